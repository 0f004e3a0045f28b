import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const log = (name: string): string => `appendFileSync('builds.log', '${name}\\n')`

it('caches values built at a test file\'s top level, in hooks, in setup files and in globalSetup', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({
  plugins: [fixtureCache()],
  test: { setupFiles: ['test/setup.ts'], globalSetup: ['test/global-setup.ts'] },
})
`,
    'test/global-setup.ts': `
import { appendFileSync } from 'node:fs'
import type { TestProject } from 'vitest/node'
import { cachedValue } from 'vitest-fixture-cache'
declare module 'vitest' { export interface ProvidedContext { seed: number[] } }
export default async function setup(project: TestProject) {
  project.provide('seed', await cachedValue('seed', async () => {
    ${log('seed')}
    return [1, 2, 3]
  }))
}
`,
    'test/setup.ts': `
import { appendFileSync } from 'node:fs'
import { cachedValue } from 'vitest-fixture-cache'
;(globalThis as any).SCHEMA = await cachedValue('schema', async () => {
  ${log('schema')}
  return { tables: ['users', 'posts'] }
})
`,
    'test/db.ts': `
import { appendFileSync } from 'node:fs'
import { cachedValue } from 'vitest-fixture-cache'
export const loadRows = () => cachedValue('rows', async () => {
  ${log('rows')}
  return Array.from({ length: 100 }, (_, id) => ({ id }))
}, { key: 'v1' })
`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { beforeAll, expect, inject, test } from 'vitest'
import { cachedValue } from 'vitest-fixture-cache'
import { loadRows } from './db'
const corpus = await cachedValue('corpus', async () => {
  ${log('corpus')}
  return 'the quick brown fox'.split(' ')
})
let rows: Array<{ id: number }>
beforeAll(async () => { rows = await loadRows() })
test('values', async () => {
  expect(corpus).toEqual(['the', 'quick', 'brown', 'fox'])
  expect(rows).toHaveLength(100)
  expect((globalThis as any).SCHEMA.tables).toEqual(['users', 'posts'])
  expect(inject('seed')).toEqual([1, 2, 3])
  // Every call gets its own copy.
  rows.pop()
  expect(await loadRows()).toHaveLength(100)
})
`,
    'test/b.test.ts': `
import { beforeEach, expect, test } from 'vitest'
import { loadRows } from './db'
let rows: Array<{ id: number }>
beforeEach(async () => { rows = await loadRows() })
test('rows', () => { expect(rows[99]).toEqual({ id: 99 }) })
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'rows', 'schema', 'seed'])
  const warm = await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  expect(warm.stdout).toMatch(/fixture cache: 4 reused/)

  project.edit('test/db.ts', `{ key: 'v1' }`, `{ key: 'v2' }`)
  project.edit('test/global-setup.ts', `[1, 2, 3]`, `[1, 2, 3].slice()`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['rows', 'seed'])
})

it('says what is wrong with a cachedValue() call, naming it', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { expect, test } from 'vitest'
import { cachedValue } from 'vitest-fixture-cache'
test('unknown option', async () => {
  await expect(cachedValue('x', async () => 1, { scope: 'file' } as any)).rejects.toThrow('cachedValue() "x" (test/a.test.ts): unknown option "scope"; known options are key, files, env, serializer')
})
test('a computed name', async () => {
  const name = 'computed'
  await expect(cachedValue(name, async () => 1)).rejects.toThrow('write the name as a string literal')
})
`,
  })
  await runOk(project)
})
