import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

it('works in the builder form, with Vitest options and with a variable, and infers each name', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'

const wordsFixture = cached(async () => {
  appendFileSync('builds.log', 'words\\n')
  return ['alpha', 'beta']
})

const test = base
  .extend('config', { size: 2 })
  .extend('words', wordsFixture)
  .extend('corpus', cached(async ({ config, words }) => {
    appendFileSync('builds.log', 'corpus\\n')
    return { size: config.size, words: words.slice(0, config.size) }
  }))
  .extend('shared', { scope: 'file' }, cached(async () => {
    appendFileSync('builds.log', 'shared\\n')
    return new Set([1])
  }))

test('builder form', ({ corpus, shared }) => {
  // Types flow from the factory: these would not compile otherwise.
  const size: number = corpus.size
  const first: string | undefined = corpus.words[0]
  expect([size, first, shared.has(1)]).toEqual([2, 'alpha', true])
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'shared', 'words'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  const folders = project.cacheEntries().map(path => path.split('/')[1]!.replace(/-\w+$/, ''))
  expect(folders.sort()).toEqual(['corpus', 'shared', 'words'])
})

it('uses options.name over the inferred name, and a factory declared elsewhere in the module', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'

async function buildCorpus() {
  appendFileSync('builds.log', 'corpus\\n')
  return ['alpha']
}

const test = base.extend({ corpus: cached(buildCorpus, { name: 'english-corpus' }) })
test('named', ({ corpus }) => { expect(corpus).toEqual(['alpha']) })
`,
  })
  await runOk(project)
  expect(project.cacheEntries()[0]).toMatch(/^entries-v\d+\/english-corpus-/)
  project.edit('test/a.test.ts', `return ['alpha']`, `return ['alpha', 'beta']`)
  project.edit('test/a.test.ts', `toEqual(['alpha'])`, `toEqual(['alpha', 'beta'])`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'corpus'])
})

it('chains a cached fixture to the cached fixture it depends on', async () => {
  const project = Project.create({
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return { list: ['alpha', 'beta'] }
  }),
  counts: cached(async ({ words }) => {
    appendFileSync('builds.log', 'counts\\n')
    return words.list.map(word => word.length)
  }),
})
`,
    'test/a.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('counts', ({ counts }) => { expect(counts.length).toBeGreaterThan(0) })
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['counts', 'words'])
  project.edit('test/fixtures.ts', `['alpha', 'beta']`, `['alpha', 'beta', 'gamma']`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['counts', 'words'])
  project.edit('test/fixtures.ts', `word.length)`, `word.length * 2)`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['counts'])
})

it('reports option mistakes where cached() is called, naming the fixture', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ corpus: cached(async () => 1, { scope: 'suite' } as any) })
test('never runs', ({ corpus }) => { expect(corpus).toBe(1) })
`,
    'test/b.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ index: cached(async () => 1, { keys: ['x'] } as any) })
test('never runs', ({ index }) => { expect(index).toBe(1) })
`,
    'test/c.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const fixtures: Record<string, any> = {}
fixtures['dynamic'] = cached(async () => 1)
test('never runs', () => { expect(fixtures).toBeDefined() })
`,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  expect(result.output).toContain(`cached() "corpus" (test/a.test.ts): option "scope" must be 'test', 'file' or 'worker', got "suite"`)
  expect(result.output).toContain(`cached() "index" (test/b.test.ts): unknown option "keys"`)
  expect(result.output).toContain(`cached() (test/c.test.ts): cannot tell the fixture name from the source; pass it as cached(factory, { name: '...' })`)
})
