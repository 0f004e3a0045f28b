import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync, readFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  // Built in each file (it is keyed on its test), so in each of a vm pool's contexts.
  text: cached(async ({ task }) => {
    appendFileSync('builds.log', 'text\\n')
    return readFileSync('data/' + task.file.name.split('/').pop() + '.txt', 'utf8')
  }),
  plain: cached(async () => {
    appendFileSync('builds.log', 'plain\\n')
    return { words: ['alpha', 'beta'], count: 2 }
  }),
  rich: cached(async () => {
    appendFileSync('builds.log', 'rich\\n')
    return { index: new Map([['alpha', new Set([1, 2])]]), when: new Date(0), bytes: new Uint8Array([1, 2]) }
  }, { scope: 'file' }),
  shared: cached(async () => {
    appendFileSync('builds.log', 'shared\\n')
    return [1, 2, 3]
  }, { scope: 'worker' }),
})
`

const USER = `
import { readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { test } from './fixtures'
test('values are right in this pool', ({ plain, rich, shared, text, task }) => {
  expect(text).toBe(readFileSync('data/' + task.file.name.split('/').pop() + '.txt', 'utf8'))
  // Values belong to the test's realm (vm pools run tests in their own).
  expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
  expect(Array.isArray(plain.words) && plain.words instanceof Array).toBe(true)
  expect(rich.index).toBeInstanceOf(Map)
  expect(rich.when).toBeInstanceOf(Date)
  expect(rich.bytes).toBeInstanceOf(Uint8Array)
  expect(plain).toEqual({ words: ['alpha', 'beta'], count: 2 })
  expect(rich.index.get('alpha')).toEqual(new Set([1, 2]))
  expect(rich.when.getTime()).toBe(0)
  expect([...rich.bytes]).toEqual([1, 2])
  expect(shared).toEqual([1, 2, 3])
  plain.words.push('mutated')
})
`

for (const args of [['--pool=forks'], ['--pool=threads'], ['--pool=vmThreads'], ['--pool=vmForks'], ['--pool=forks', '--no-isolate'], ['--pool=threads', '--no-isolate']]) {
  it(`works with ${args.join(' ')}: built once, then reused; a file read in any test file is re-checked`, async () => {
    const project = Project.create({
      'test/fixtures.ts': FIXTURES,
      ...Object.fromEntries(['a', 'b', 'c'].flatMap(name => [[`test/${name}.test.ts`, USER], [`data/${name}.test.ts.txt`, name]])),
    })
    await runOk(project, args)
    expect(project.takeBuilds()).toEqual(['plain', 'rich', 'shared', 'text', 'text', 'text'])
    // Vitest stops workers without an exit event: the run's end removes what their locks left.
    expect(readdirSync(join(project.dir, 'node_modules/.cache/vitest-fixture-cache/locks'))).toEqual([])
    await runOk(project, args)
    expect(project.takeBuilds()).toEqual([])
    // A read in any file's build is recorded, in every realm of the pool, through a named import too.
    project.write('data/b.test.ts.txt', 'b, edited')
    project.write('data/c.test.ts.txt', 'c, edited')
    await runOk(project, args)
    expect(project.takeBuilds()).toEqual(['text', 'text'])
  })
}
