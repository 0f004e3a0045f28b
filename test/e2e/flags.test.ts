import { beforeEach, describe, expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  corpus: cached(async () => {
    appendFileSync('builds.log', 'corpus\\n')
    return ['alpha']
  }),
  db: cached(async () => {
    appendFileSync('builds.log', 'db\\n')
    return { rows: 3 }
  }, { scope: 'file' }),
  model: cached(async () => {
    appendFileSync('builds.log', 'model\\n')
    return { weights: [0.5] }
  }),
})
`

const USER = `
import fs from 'node:fs'
import { expect } from 'vitest'
import { test } from './fixtures'
test('all three', ({ corpus, db, model }) => {
  expect([corpus, db, model]).toEqual([['alpha'], { rows: 3 }, { weights: [0.5] }])
})
test('again', ({ corpus, db, model }) => {
  expect([corpus, db, model]).toEqual([['alpha'], { rows: 3 }, { weights: [0.5] }])
})
test('node:fs is wrapped only while the cache is on', () => {
  expect(Boolean((fs.readFileSync as any)[Symbol.for('vitest-fixture-cache.recorded')])).toBe(process.env.FIXTURE_CACHE !== 'off')
})
`

describe('environment flags', () => {
  let project: Project
  beforeEach(async () => {
    project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': USER, 'test/b.test.ts': USER })
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['corpus', 'db', 'model'])
  })

  for (const value of ['1', 'true', 'all', '*']) {
    it(`FIXTURE_CACHE_REFRESH=${value} rebuilds every cached fixture once, then the cache serves them`, async () => {
      await runOk(project, [], { FIXTURE_CACHE_REFRESH: value })
      expect(project.takeBuilds()).toEqual(['corpus', 'db', 'model'])
      await runOk(project)
      expect(project.takeBuilds()).toEqual([])
    })
  }

  it('FIXTURE_CACHE_REFRESH=corpus,db rebuilds only those', async () => {
    await runOk(project, [], { FIXTURE_CACHE_REFRESH: 'corpus, db' })
    expect(project.takeBuilds()).toEqual(['corpus', 'db'])
  })

  it('FIXTURE_CACHE=off builds on every use, reads or writes nothing, and leaves node:fs alone', async () => {
    const before = project.cacheEntries()
    project.edit('test/fixtures.ts', `return ['alpha']`, `return ['alpha'] as string[]`)
    await runOk(project, [], { FIXTURE_CACHE: 'off' })
    // corpus and model are test-scoped (2 files × 2 tests); db is file-scoped (2 files).
    expect(project.takeBuilds()).toEqual(['corpus', 'corpus', 'corpus', 'corpus', 'db', 'db', 'model', 'model', 'model', 'model'])
    expect(project.cacheEntries()).toEqual(before)
  })

  it('rejects an unknown FIXTURE_CACHE mode with a clear message', async () => {
    const result = await project.run([], { FIXTURE_CACHE: 'sometimes' })
    expect(result.code).not.toBe(0)
    expect(result.output).toContain('FIXTURE_CACHE=sometimes is not a mode; use one of: on, off, readonly, verify')
  })
})

it('FIXTURE_CACHE_DIR and the dir option choose where entries go', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache({ dir: '.fixture-cache' })] })
`,
    'test/fixtures.ts': FIXTURES,
    'test/a.test.ts': USER,
  })
  await runOk(project)
  expect(project.cacheEntries('.fixture-cache')).toHaveLength(3)
  await runOk(project, [], { FIXTURE_CACHE_DIR: 'elsewhere' })
  expect(project.cacheEntries('elsewhere')).toHaveLength(3)
  expect(project.takeBuilds()).toEqual(['corpus', 'corpus', 'db', 'db', 'model', 'model'])
})
