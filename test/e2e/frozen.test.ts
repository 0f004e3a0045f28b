// `frozen: true`: one deep-frozen copy shared by a worker's uses, for large read-only values. A
// change throws (never leaks into the next test), with the cache warm, cold or off; what cannot be
// frozen is refused by name; the summary says when per-use copies cost more than a build.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  index: cached(async () => {
    appendFileSync('builds.log', 'index\\n')
    return { words: ['a', 'b'], byWord: new Map([['a', { count: 1 }]]), tags: new Set(['x']), when: new Date(0) }
  }, { frozen: true }),
  scratch: cached(async () => {
    appendFileSync('builds.log', 'scratch\\n')
    return { list: [1] }
  }),
})
`
const USES = `
import { expect } from 'vitest'
import { test } from './fixtures'
let first: unknown
test('a change throws, whatever kind of container', ({ index, scratch }) => {
  first = index
  expect(() => { index.words.push('c') }).toThrow(TypeError)
  expect(() => { (index as { extra?: number }).extra = 1 }).toThrow(TypeError)
  expect(() => { index.byWord.get('a')!.count = 2 }).toThrow(TypeError)
  expect(() => index.byWord.set('b', { count: 3 })).toThrow(/frozen cached value \\("index" .*\\): index/)
  expect(() => index.tags.add('y')).toThrow(TypeError)
  expect(() => index.when.setFullYear(2000)).toThrow(TypeError)
  scratch.list.push(2)
})
test('the next test gets the same unchanged copy; an unfrozen fixture its own', ({ index, scratch }) => {
  // With the cache off each use builds its own (frozen) value.
  if (process.env.FIXTURE_CACHE !== 'off') expect(index).toBe(first)
  expect(index.words).toEqual(['a', 'b'])
  expect(index.byWord.get('a')).toEqual({ count: 1 })
  expect(index.when.getTime()).toBe(0)
  expect(scratch.list).toEqual([1])
})
`

it('shares one frozen copy between tests; a change throws, cold, warm and with the cache off', async () => {
  const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/uses.test.ts': USES })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['index', 'scratch'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  await runOk(project, [], { FIXTURE_CACHE: 'off' })
  expect(project.takeBuilds()).toEqual(['index', 'index', 'scratch', 'scratch'])
})

it('refuses what cannot be frozen, naming where it sits and what to do', async () => {
  const project = Project.create({
    'test/fixtures.ts': FIXTURES.replace(`tags: new Set(['x'])`, `tags: new Set(['x']), vectors: { rows: new Float32Array(4) }`),
    'test/uses.test.ts': USES,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  expect(result.output).toContain(`fixture "index" (test/fixtures.ts): option "frozen" shares one copy between uses, but index.vectors.rows is a Float32Array, which JavaScript cannot freeze`)
  expect(result.output).toContain(`Drop "frozen" (each use gets its own copy)`)
})

const BIG = `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  big: cached(async () => {
    appendFileSync('builds.log', 'big\\n')
    return Array.from({ length: 200000 }, (_, id) => ({ id, word: 'w' + id }))
  }),
})
for (let round = 0; round < 20; round++) test('reads ' + round, ({ big }) => { expect(big).toHaveLength(200000) })
`

it('hints at sharing when per-test copies cost more than a build, and counts one copy once shared', async () => {
  const project = Project.create({ 'test/big.test.ts': BIG })
  await runOk(project)
  const warm = (await runOk(project)).stdout
  expect(project.takeBuilds()).toEqual(['big'])
  expect(warm).toMatch(/big: its 20 copies took \d+\.\d s, more than one build \(\d+\.\d s\): share one with frozen: true if tests only read it, or give it a wider scope/)

  project.edit('test/big.test.ts', `({ id, word: 'w' + id }))\n  }),`, `({ id, word: 'w' + id }))\n  }, { frozen: true }),`)
  await runOk(project)
  const shared = (await runOk(project)).stdout
  expect(shared).not.toContain('share one with frozen')
  const report = JSON.parse(readFileSync(join(project.dir, 'node_modules/.cache/vitest-fixture-cache/last-run.json'), 'utf8')) as { fixtures: Array<{ name: string, copies: number }> }
  expect(report.fixtures.map(({ name, copies }) => [name, copies])).toEqual([['big', 1]])
})
