// The summary line says what happened, in every mode, with numbers that add up; builds are
// counted by the factories' own log, and the summary must agree with it.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { parse } from 'flatted'
import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  corpus: cached(async () => {
    appendFileSync('builds.log', 'corpus\\n')
    await new Promise(resolve => setTimeout(resolve, 200))
    return Array.from({ length: 1000 }, (_, id) => ({ id, word: 'w' + id }))
  }),
  index: cached(async ({ corpus }) => {
    appendFileSync('builds.log', 'index\\n')
    return corpus.length
  }),
})
`
const user = (name: string) => `
import { expect } from 'vitest'
import { test } from './fixtures'
test('${name}', ({ corpus, index }) => { expect(index).toBe(corpus.length) })
`
const files = { 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': user('a'), 'test/b.test.ts': user('b'), 'test/c.test.ts': user('c') }
const summaryOf = (output: string): string => output.match(/^fixture cache( off)?: .*$/m)?.[0] ?? ''

it('names what was reused, counts the builds avoided and what loading cost', async () => {
  const project = Project.create(files)
  await runOk(project)
  project.takeBuilds()
  const warm = summaryOf((await runOk(project)).stdout)
  expect(project.takeBuilds()).toEqual([])
  // Three files, each in its own worker process, each loading both: six builds avoided.
  expect(warm).toMatch(/^fixture cache: 2 reused \(corpus, index\): 6 builds avoided, \d+\.\d s of build time, for \d+\.\d s of loading$/)
  const report = JSON.parse(readFileSync(join(project.dir, 'node_modules/.cache/vitest-fixture-cache/last-run.json'), 'utf8')) as { fixtures: Array<{ name: string, reuses: number, copies: number, avoidedMs: number }> }
  expect(report.fixtures.map(({ name, reuses, copies }) => [name, reuses, copies])).toEqual([['corpus', 3, 3], ['index', 3, 3]])
  expect(report.fixtures[0]!.avoidedMs).toBeGreaterThanOrEqual(3 * 190)
})

it('says what happened with the cache off, read-only, when a factory throws, and under verify', async () => {
  const project = Project.create(files)
  const off = summaryOf((await runOk(project, [], { FIXTURE_CACHE: 'off' })).stdout)
  const built = project.takeBuilds()
  expect(built).toHaveLength(6)
  expect(off).toMatch(/^fixture cache off: 6 builds \(corpus, index\) in \d+\.\d s, nothing stored$/)

  const readonly = summaryOf((await runOk(project, [], { FIXTURE_CACHE: 'readonly' })).stdout)
  expect(project.takeBuilds()).toHaveLength(6)
  expect(readonly).toMatch(/^fixture cache: 2 rebuilt \(6 builds\) in \d+\.\d s — corpus: readonly cache has no entry; index: readonly cache has no entry$/)

  await runOk(project)
  project.takeBuilds()
  project.edit('test/fixtures.ts', `return corpus.length`, `return corpus.length + Math.random() * 0`)
  const verify = await project.run([], { FIXTURE_CACHE: 'verify' })
  expect(summaryOf(verify.stdout)).toContain('corpus: verify: same as stored')
  expect(summaryOf(verify.stdout)).toContain('index: verify: nothing stored to compare')

  project.edit('test/fixtures.ts', `await new Promise(resolve => setTimeout(resolve, 200))`, `throw new Error('no corpus today')`)
  const failed = await project.run([], { FIXTURE_CACHE_REFRESH: 'corpus' })
  expect(failed.code).toBe(1)
  expect(summaryOf(failed.stdout)).toContain('1 failed: corpus (its factory threw: no corpus today)')
})

it('prints a cache warning once per run, however many workers met it', async () => {
  const project = Project.create({ ...files, 'node_modules/.cache': 'a file where the cache dir should be' })
  const result = await runOk(project)
  expect(result.output.match(/\[vitest-fixture-cache\] cannot/g)).toHaveLength(1)
})

it('puts what the cache did in each test\'s metadata (Vitest\'s JSON report) and in a GitHub job summary', async () => {
  const project = Project.create(files)
  const args = ['--reporter=default', '--reporter=json', '--outputFile.json=report.json']
  await runOk(project, args, { GITHUB_STEP_SUMMARY: join(project.dir, 'step-summary.md') })
  await runOk(project, args, { GITHUB_STEP_SUMMARY: join(project.dir, 'step-summary.md') })
  interface JsonReport { testResults: Array<{ name: string, assertionResults: Array<{ meta: { fixtureCache?: Record<string, { outcome: string, copyMs: number }> } }> }> }
  const report = JSON.parse(project.read('report.json')) as JsonReport
  const metas = report.testResults.flatMap(file => file.assertionResults.map(test => test.meta.fixtureCache))
  expect(metas).toHaveLength(3)
  for (const meta of metas) {
    expect(meta?.corpus).toMatchObject({ outcome: 'reused' })
    expect(meta?.index).toMatchObject({ outcome: 'reused' })
    expect(meta?.corpus?.copyMs).toBeGreaterThanOrEqual(0)
  }
  const summary = project.read('step-summary.md')
  expect(summary.match(/### Fixture cache/g)).toHaveLength(2)
  expect(summary).toContain('| corpus | miss | first build |')
  expect(summary).toContain('| corpus | hit |')
})

it('puts it where Vitest\'s UI shows it: the HTML report\'s data, read back', async () => {
  const project = Project.create(files)
  await runOk(project, ['--reporter=default', '--reporter=html'])
  await runOk(project, ['--reporter=default', '--reporter=html'])
  // What the UI reads: the HTML reporter's data file, gzipped flatted JSON of every file and task
  // (Vitest 4 writes html/html.meta.json.gz, Vitest 5 .vitest/ui/html.meta.json.gz).
  interface UiTask { type: string, name: string, meta?: { fixtureCache?: Record<string, { outcome: string }> }, tasks?: UiTask[] }
  const dataFile = ['html/html.meta.json.gz', '.vitest/ui/html.meta.json.gz'].find(path => project.exists(path))!
  const data = parse(gunzipSync(readFileSync(join(project.dir, dataFile))).toString('utf8')) as { files: UiTask[] }
  const tests = data.files.flatMap(file => file.tasks ?? []).filter(task => task.type === 'test')
  expect(tests.map(test => test.name).sort()).toEqual(['a', 'b', 'c'])
  for (const test of tests) expect(test.meta?.fixtureCache).toMatchObject({ corpus: { outcome: 'reused' }, index: { outcome: 'reused' } })
})
