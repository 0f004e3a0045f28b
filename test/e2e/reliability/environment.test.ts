import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'

const TEST = `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return ['alpha', 'beta']
  }),
  numbers: cached(async () => {
    appendFileSync('builds.log', 'numbers\\n')
    return [1, 2]
  }),
})
test('values are right', ({ words, numbers }) => {
  expect(words).toEqual(['alpha', 'beta'])
  expect(numbers).toEqual([1, 2])
})
`

function warnings(output: string): string[] {
  return output.match(/\[vitest-fixture-cache\][^\n]*/g) ?? []
}

it('passes with one warning naming the path when a file stands where the cache dir should be', async () => {
  const project = Project.create({ 'test/a.test.ts': TEST, 'blocker': 'a file, not a folder' })
  const result = await runOk(project, [], { FIXTURE_CACHE_DIR: 'blocker/cache' })
  expect(warnings(result.output)).toHaveLength(1)
  expect(warnings(result.output)[0]).toContain(`cannot use the cache at ${join(project.dir, 'blocker/cache')}`)
  expect(project.takeBuilds()).toEqual(['numbers', 'words'])
  expect(project.read('blocker')).toBe('a file, not a folder')
})

for (const code of ['ENOSPC', 'EROFS', 'EACCES']) {
  it(`passes with one warning when writes fail with ${code}, and writes nothing`, async () => {
    const project = Project.create({ 'test/a.test.ts': TEST })
    const result = await runOk(project, [], { VITEST_FIXTURE_CACHE_FAULT: `write:${code}` })
    expect(warnings(result.output)).toHaveLength(1)
    expect(warnings(result.output)[0]).toMatch(new RegExp(`cannot write to the cache at .*\\(${code}`))
    expect(project.takeBuilds()).toEqual(['numbers', 'words'])
    expect(project.cacheEntries()).toEqual([])
  })
}

it('creates the cache dir 0700 and entries 0600, and never writes through a symlink out of it', async () => {
  const project = Project.create({ 'test/a.test.ts': TEST })
  await runOk(project)
  const cache = join(project.dir, 'node_modules/.cache/vitest-fixture-cache')
  expect(statSync(cache).mode & 0o777).toBe(0o700)
  for (const entry of project.cacheEntries()) expect(statSync(join(cache, entry)).mode & 0o777).toBe(0o600)

  // Replace a fixture's folder with a link to a folder outside the cache.
  const outside = mkdtempSync(join(tmpdir(), 'vfc-outside-'))
  const folder = project.cacheEntries()[0]!.split('/').slice(0, 2).join('/')
  rmSync(join(cache, folder), { recursive: true })
  symlinkSync(outside, join(cache, folder))
  writeFileSync(join(outside, 'planted.entry'), 'not an entry')
  project.edit('test/a.test.ts', `['alpha', 'beta']`, `['alpha', 'beta', 'gamma']`).edit('test/a.test.ts', `toEqual(['alpha', 'beta'])`, `toEqual(['alpha', 'beta', 'gamma'])`)
  project.takeBuilds()
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['numbers', 'words'])
  expect(readdirSync(outside)).toEqual(['planted.entry'])
  expect(lstatSync(join(cache, folder)).isDirectory()).toBe(true)
  rmSync(outside, { recursive: true, force: true })
})

it('keeps odd fixture names inside the cache dir', async () => {
  const names = ['../../escape', '/etc/passwd', 'ünïcødé ✓', 'x'.repeat(300)]
  const project = Project.create({
    'test/a.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
${names.map((name, index) => `  f${index}: cached(async () => ${index}, { name: ${JSON.stringify(name)} }),`).join('\n')}
})
test('all', ({ ${names.map((_, index) => `f${index}`).join(', ')} }) => { expect([${names.map((_, index) => `f${index}`).join(', ')}]).toEqual([0, 1, 2, 3]) })
`,
  })
  await runOk(project)
  expect(project.cacheEntries()).toHaveLength(4)
  expect(readdirSync(project.dir).sort()).toEqual(['node_modules', 'package.json', 'test', 'vitest.config.ts'])
  expect(readdirSync(join(project.dir, '..')).filter(name => name.includes('escape'))).toEqual([])
})

it('works in tests that fake timers and the date, and stamps entries with the real time', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { afterEach, beforeEach, test as base, expect, vi } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ data: cached(async () => { appendFileSync('builds.log', 'data\\n'); return [1, 2, 3] }) })
beforeEach(() => { vi.useFakeTimers({ now: new Date('2001-01-01') }) })
afterEach(() => { vi.useRealTimers() })
test('uses the fixture', ({ data }) => { expect(data).toEqual([1, 2, 3]) })
`,
  })
  const startedAt = Date.now()
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['data'])
  const [entry] = project.cacheEntries()
  const path = join(project.dir, 'node_modules/.cache/vitest-fixture-cache', entry!)
  // Used (touched) and created at the real time: a faked one would make pruning remove it first.
  expect(statSync(path).mtimeMs).toBeGreaterThan(startedAt - 1000)
  const header = JSON.parse(readFileSync(path, 'utf8').split('\n')[0]!) as { createdAt: string }
  expect(Date.parse(header.createdAt)).toBeGreaterThan(startedAt - 1000)
})
