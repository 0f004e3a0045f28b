// `vitest-fixture-cache status`: the dry run says what the next run would reuse and rebuild, and
// why, without running a test or a factory; the run that follows must do exactly that (builds
// counted by the factories' own log).
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, inject, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

interface Row { name: string, file: string, verdict: 'reuse' | 'rebuild' | 'unsure', reason: string, unchecked: string[] }

async function status(project: Project, args: string[] = [], env: Record<string, string> = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const bin = join(inject('sandbox'), 'node_modules/vitest-fixture-cache/dist/cli/main.js')
  const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(VITEST|FIXTURE_CACHE|NODE_OPTIONS|TEST$)/.test(name)))
  return promisify(execFile)(inject('cell').node, [bin, 'status', ...args], { cwd: project.dir, env: { ...cleanEnv, ...env } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number, stdout: string, stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }))
}

/** The reason the last run gave for each fixture it rebuilt. */
function rebuiltReasons(project: Project): Record<string, string> {
  const report = JSON.parse(project.read('node_modules/.cache/vitest-fixture-cache/last-run.json')) as { fixtures: Array<{ name: string, outcome: string, reason?: string }> }
  return Object.fromEntries(report.fixtures.filter(fixture => fixture.outcome === 'miss').map(fixture => [fixture.name, `rebuild: ${fixture.reason}`]))
}

async function verdicts(project: Project, env: Record<string, string> = {}): Promise<Record<string, string>> {
  const result = await status(project, ['--json'], env)
  expect(result.code, result.stderr).toBe(0)
  return Object.fromEntries((JSON.parse(result.stdout) as Row[]).map(row => [row.name, `${row.verdict}: ${row.reason}`]))
}

const FIXTURES = `
import { appendFileSync, readFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { countWords } from '../src/count'
export const test = base.extend({
  corpus: cached(async () => {
    appendFileSync('builds.log', 'corpus\\n')
    return readFileSync('data/words.txt', 'utf8').split('\\n').filter(Boolean)
  }),
  index: cached(async ({ corpus }) => {
    appendFileSync('builds.log', 'index\\n')
    return countWords(corpus)
  }),
  seeded: cached(async () => {
    appendFileSync('builds.log', 'seeded\\n')
    return Number(process.env.SEED ?? 0) * 2
  }, { env: 'SEED' }),
})
`
const files = {
  'test/fixtures.ts': FIXTURES,
  'src/count.ts': 'export function countWords(words: string[]): number {\n  return words.length\n}\n',
  'data/words.txt': 'alpha\nbeta\n',
  'test/a.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('uses all three', ({ corpus, index, seeded }) => { expect([corpus.length, index, seeded]).toEqual([corpus.length, corpus.length, seeded]) })
`,
}

it('says what the next run would reuse and rebuild, and the run that follows does exactly that', async () => {
  const project = Project.create(files)
  expect(await verdicts(project)).toEqual({ corpus: 'rebuild: no entry yet', index: 'rebuild: no entry yet', seeded: 'rebuild: no entry yet' })
  expect(project.takeBuilds()).toEqual([])
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'index', 'seeded'])
  expect(await verdicts(project)).toEqual({ corpus: 'reuse: every input as stored', index: 'reuse: every input as stored', seeded: 'reuse: every input as stored' })

  // A helper only index reaches: index rebuilds, the others are reused.
  project.edit('src/count.ts', 'return words.length', 'return words.length + 0')
  const verdictsBefore = verdicts(project)
  expect(await verdictsBefore).toEqual({ corpus: 'reuse: every input as stored', index: 'rebuild: helper countWords() in src/count.ts changed', seeded: 'reuse: every input as stored' })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['index'])
  // The same reason the run gives.
  expect(rebuiltReasons(project)).toEqual({ index: (await verdictsBefore)!.index })

  // A file the factory read at run time: corpus rebuilds; index only if corpus's value changes.
  project.write('data/words.txt', 'alpha\nbeta\ngamma\n')
  expect(await verdicts(project)).toMatchObject({
    corpus: 'rebuild: file data/words.txt read by the factory changed',
    index: 'unsure: rebuilds if the new value of corpus differs',
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'index'])
  expect(rebuiltReasons(project)).toEqual({ corpus: 'rebuild: file data/words.txt read by the factory changed', index: 'rebuild: fixture corpus value changed' })

  // A declared env var, read from the environment the command runs in.
  expect((await verdicts(project, { SEED: '4' })).seeded).toBe('rebuild: env SEED changed')
  await runOk(project, [], { SEED: '4' })
  expect(project.takeBuilds()).toEqual(['seeded'])
  expect(rebuiltReasons(project)).toEqual({ seeded: 'rebuild: env SEED changed' })
  expect((await verdicts(project, { SEED: '4' })).seeded).toBe('reuse: every input as stored')
  // Returning to the earlier value finds the earlier entry.
  expect((await verdicts(project)).seeded).toBe('reuse: every input as stored')

  // The flags a run would obey.
  expect((await verdicts(project, { FIXTURE_CACHE_REFRESH: 'corpus' })).corpus).toBe('rebuild: FIXTURE_CACHE_REFRESH')
  expect(project.takeBuilds()).toEqual([])
})

it('prints a readable table, filters by name, and fails a wrong name with exit 2', async () => {
  const project = Project.create(files)
  await runOk(project)
  project.edit('src/count.ts', 'return words.length', 'return words.length + 0')
  const printed = await status(project)
  expect(printed.stdout).toMatch(/^next run \(dry run, nothing was run or built\): 2 would reuse, 1 would rebuild$/m)
  expect(printed.stdout).toMatch(/^ {2}↻ index\s+rebuild\s+test\/fixtures\.ts\s+helper countWords\(\) in src\/count\.ts changed$/m)
  expect(printed.stdout).toMatch(/^ {2}✓ corpus\s+reuse\s+test\/fixtures\.ts\s+every input as stored$/m)
  const one = JSON.parse((await status(project, ['index', '--json'])).stdout) as Row[]
  expect(one.map(row => row.name)).toEqual(['index'])
  const wrong = await status(project, ['nope'])
  expect(wrong.code).toBe(2)
  expect(wrong.stderr.trim()).toBe('vitest-fixture-cache: no cached fixture named nope; cached fixtures: corpus, index, seeded')
  expect(project.takeBuilds()).toEqual(['corpus', 'index', 'seeded'])
})

it('names a test file that mocks what a factory reaches, and what a dry run cannot see', async () => {
  const project = Project.create(files)
  await runOk(project)
  project.write('test/mocked.test.ts', `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
vi.mock('../src/count', () => ({ countWords: () => 99 }))
test('mocked', ({ index }) => { expect(index).toBe(99) })
`)
  expect(await verdicts(project)).toEqual({
    corpus: 'reuse: every input as stored',
    index: 'unsure: test/mocked.test.ts mocks src/count.ts, which the factory reaches: that file gets a value of its own',
    seeded: 'reuse: every input as stored',
  })
  expect((await status(project)).stdout).toContain('Not seen by a dry run: what test files set up when they run')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'index', 'seeded', 'index'].sort())
})

it('answers per project where projects see a fixture differently (their setup files)', async () => {
  const uses = `
import { expect } from 'vitest'
import { test } from '../fixtures'
test('uses corpus', ({ corpus }) => { expect(corpus.length).toBeGreaterThan(0) })
`
  const project = Project.create({
    ...files,
    'test/plain/a.test.ts': uses,
    'test/seeded/b.test.ts': uses,
    'test/setup.ts': 'globalThis.SCALE = 2\n',
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({
  plugins: [fixtureCache()],
  test: {
    projects: [
      { extends: true, test: { name: 'plain', include: ['test/plain/*.test.ts'] } },
      { extends: true, test: { name: 'seeded', include: ['test/seeded/*.test.ts'], setupFiles: ['test/setup.ts'] } },
    ],
  },
})
`,
  })
  const first = await runOk(project, ['--reporter=verbose'])
  expect(project.takeBuilds(), first.output).toEqual(['corpus', 'corpus'])
  const rows = async () => (JSON.parse((await status(project, ['corpus', '--json'])).stdout) as Array<Row & { projects: string[] }>)
    .map(row => `${row.projects.join(',')}: ${row.verdict}: ${row.reason}`).sort()
  expect(await rows()).toEqual(['plain: reuse: every input as stored', 'seeded: reuse: every input as stored'])
  project.write('test/setup.ts', 'globalThis.SCALE = 3\n')
  expect(await rows()).toEqual(['plain: reuse: every input as stored', expect.stringMatching(/^seeded: rebuild: .*test\/setup\.ts changed/)])
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus'])
})

it('leaves to the run what only running a test shows: a global the test file set, module state a hook loaded', async () => {
  const project = Project.create({
    'settings.json': '{"scale":2}',
    'src/config.ts': `
import { readFileSync } from 'node:fs'
export let settings = { scale: 1 }
export function loadSettings(file: string) { settings = JSON.parse(readFileSync(file, 'utf8')) }
`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { beforeAll, test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { settings, loadSettings } from '../src/config'
beforeAll(() => { loadSettings('settings.json') })
globalThis.SCALE = 3
const test = base.extend({
  scaled: cached(async () => {
    appendFileSync('builds.log', 'scaled\\n')
    return settings.scale * globalThis.SCALE
  }),
})
test('scaled', ({ scaled }) => { expect(scaled).toBe(6) })
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['scaled'])
  const [row] = JSON.parse((await status(project, ['--json'])).stdout) as Row[]
  expect(row).toMatchObject({ verdict: 'reuse', unchecked: expect.arrayContaining(['global SCALE', 'value of let settings in src/config.ts']) })
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})
