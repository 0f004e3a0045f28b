import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const config = (options: string) => `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache(${options})] })
`

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  corpus: cached(async () => {
    appendFileSync('builds.log', 'corpus\\n')
    await new Promise(resolve => setTimeout(resolve, 300))
    return 'x'.repeat(2000)
  }, { scope: 'file' }),
  db: cached(async () => {
    appendFileSync('builds.log', 'db\\n')
    return { rows: [1, 2, 3] }
  }),
})
`

const USER = `
import { expect } from 'vitest'
import { test } from './fixtures'
test('both', ({ corpus, db }) => { expect(corpus.length + db.rows.length).toBe(2003) })
`

interface Report { fixtures: Array<{ name: string, outcome: string, reason?: string, buildMs: number, loadMs: number, sizeBytes: number, key: string }> }

it('prints one summary line per run, aggregated over workers, and writes a JSON report', async () => {
  const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': USER, 'test/b.test.ts': USER, 'test/c.test.ts': USER })
  const cold = await runOk(project)
  expect(cold.stdout).toMatch(/fixture cache: 2 rebuilt in \d+\.\d s — corpus: first build; db: first build\n/)
  expect(cold.stdout.match(/fixture cache:/g)).toHaveLength(1)

  const warm = await runOk(project)
  expect(warm.stdout).toMatch(/fixture cache: 2 reused \(corpus, db\): \d+ builds avoided, \d+\.\d s of build time, for \d+\.\d s of loading\n/)
  const report = JSON.parse(readFileSync(join(project.dir, 'node_modules/.cache/vitest-fixture-cache/last-run.json'), 'utf8')) as Report
  expect(report.fixtures.map(fixture => [fixture.name, fixture.outcome])).toEqual([['corpus', 'hit'], ['db', 'hit']])
  expect(report.fixtures[0]!.buildMs).toBeGreaterThanOrEqual(290)
  expect(report.fixtures[0]!.sizeBytes).toBeGreaterThan(2000)
  expect(report.fixtures[0]!.key).toMatch(/^[0-9a-f]{64}$/)

  project.edit('test/fixtures.ts', `return { rows: [1, 2, 3] }`, `return { rows: [1, 2, 3], extra: true }`)
  const edited = await runOk(project)
  expect(edited.stdout).toMatch(/fixture cache: 1 reused \(corpus\): \d+ builds? avoided, \d+\.\d s of build time, for \d+\.\d s of loading; 1 rebuilt in \d+\.\d s — db: factory changed\n/)
})

it('is silent on request, detailed on request, writes the report where asked, and trims to maxSize', async () => {
  const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': USER, 'vitest.config.ts': config(`{ silent: true }`) })
  expect((await runOk(project)).stdout).not.toContain('fixture cache:')

  project.write('vitest.config.ts', config(`{ detail: true, report: 'fixture-report.json' }`))
  const detailed = await runOk(project)
  expect(detailed.stdout).toMatch(/ {2}✓ corpus {2}reused/)
  expect(detailed.stdout).toMatch(/ {2}✓ db {6}reused/)
  expect(JSON.parse(project.read('fixture-report.json')).fixtures).toHaveLength(2)

  project.write('vitest.config.ts', config(`{ maxSize: '1kB' }`))
  await runOk(project)
  expect(project.cacheEntries().length).toBeLessThan(2)
})

it('rejects a bad plugin option with a clear message', async () => {
  const project = Project.create({ 'test/a.test.ts': USER, 'test/fixtures.ts': FIXTURES, 'vitest.config.ts': config(`{ maxSize: 'lots' } as any`) })
  const result = await project.run()
  expect(result.code).not.toBe(0)
  expect(result.output).toContain(`fixtureCache(): option "maxSize": "lots" is not a size`)
})

const SLOW = `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ model: cached(async () => { await new Promise(resolve => setTimeout(resolve, 3500)); return 42 }) })
test('gets the model', ({ model }) => { expect(model).toBe(42) })
`

it('shows a long build live in the terminal\'s summary, and only the final line in CI', async () => {
  const project = Project.create({ 'test/a.test.ts': SLOW })
  const terminal = await project.runInTerminal()
  expect(terminal.code, terminal.output).toBe(0)
  // Redrawn in place inside Vitest's window: the row appears in several frames, counting up.
  expect(terminal.output).toMatch(/Fixtures\S* building model… 2 s/)
  expect(terminal.output).toMatch(/Fixtures\S* building model… 3 s/)
  expect(terminal.output).not.toContain('fixture cache: building')
  expect(terminal.output).toContain('fixture cache: 1 rebuilt in 3.5 s — model: first build')

  // A reporter without a live window (tap): a plain log line instead.
  const tap = await project.runInTerminal(['--reporter=tap'], { FIXTURE_CACHE_REFRESH: '1' })
  expect(tap.output).toMatch(/fixture cache: building model… 2 s/)

  const ci = await runOk(project, [], { FIXTURE_CACHE_REFRESH: '1' })
  expect(ci.output).not.toContain('building model')
  expect(ci.output).toContain('fixture cache: 1 rebuilt in 3.5 s — model: refresh requested')
})

it('reports every fixture of every file, also when a worker ends its last file without another turn of the event loop', async () => {
  // Each file's fixture is set up, used and finished in one turn: its journal lines once waited
  // for the next turn, and under load the run's end read the journal first (3 of 4 reported).
  const project = Project.create(Object.fromEntries(['a', 'b', 'c', 'd'].map(name => [`test/${name}.test.ts`, `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ ${name}: cached(async () => '${name}') })
test('uses it', ({ ${name} }) => { expect(${name}).toBe('${name}') })
`])))
  for (let run = 0; run < 6; run++) {
    const result = await runOk(project, ['--pool=threads'])
    const report = JSON.parse(readFileSync(join(project.dir, 'node_modules/.cache/vitest-fixture-cache/last-run.json'), 'utf8')) as Report
    expect(report.fixtures.map(fixture => fixture.name).sort()).toEqual(['a', 'b', 'c', 'd'])
    expect(result.stdout).toMatch(run ? /fixture cache: 4 reused/ : /fixture cache: 4 rebuilt/)
  }
})
