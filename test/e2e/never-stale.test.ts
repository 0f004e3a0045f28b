// Each case once served a stale value: the value a test gets must be the one a fresh build gives.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { expect, it } from 'vitest'
import { cli, Project, runOk } from '../helpers/project.js'

const DEBUG = { DEBUG: 'vitest-fixture-cache' }
const log = (name: string): string => `appendFileSync('builds.log', '${name}\\n')`

it('rebuilds when a file the factory read at run time changes, and names it; an unchanged re-read rebuilds nothing', async () => {
  const project = Project.create({
    'data/words.csv': 'alpha\nbeta\n',
    'data/extra/one.txt': '1',
    'test/a.test.ts': `
import { appendFileSync, readdirSync, readFileSync, existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  words: cached(async () => {
    ${log('words')}
    return (await readFile('data/words.csv', 'utf8')).split('\\n').filter(Boolean)
  }),
  extras: cached(async () => {
    ${log('extras')}
    return { names: readdirSync('data/extra').sort(), optional: existsSync('data/optional.txt') }
  }),
})
test('values are fresh', ({ words, extras }) => {
  expect(words).toEqual(readFileSync('data/words.csv', 'utf8').split('\\n').filter(Boolean))
  expect(extras).toEqual({ names: readdirSync('data/extra').sort(), optional: existsSync('data/optional.txt') })
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['extras', 'words'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])

  project.write('data/words.csv', 'alpha\nbeta\ngamma\n')
  const edited = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['words'])
  expect(edited.stderr).toMatch(/words: built in \d+ ms \(file data\/words\.csv read by the factory changed\)/)

  project.write('data/extra/two.txt', '2')
  const listed = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['extras'])
  expect(listed.stderr).toMatch(/extras: built in \d+ ms \(folder data\/extra\/ listed by the factory changed\)/)

  project.write('data/optional.txt', 'now here')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['extras'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds when a file is added anywhere under a folder read recursively (readdir with recursive, fs.globSync on Node 22)', async () => {
  const project = Project.create({
    'data/sub/a.txt': 'a',
    'test/a.test.ts': `
import * as fs from 'node:fs'
import { appendFileSync, readdirSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const globSync = (fs as { globSync?: (pattern: string) => string[] }).globSync
const everything = () => readdirSync('data', { recursive: true }).map(String).sort()
const test = base.extend({
  deep: cached(async () => {
    ${log('deep')}
    return readdirSync('data', { recursive: true }).map(String).sort()
  }),
  globbed: cached(async () => {
    ${log('globbed')}
    return globSync ? globSync('data/**/*.txt').sort() : everything()
  }),
})
test('every file', ({ deep, globbed }) => {
  expect(deep).toEqual(everything())
  expect(globbed).toEqual(globSync ? globSync('data/**/*.txt').sort() : everything())
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['deep', 'globbed'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.write('data/sub/b.txt', 'b')
  const added = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['deep', 'globbed'])
  expect(added.stderr).toMatch(/deep: built in \d+ ms \(folder data\/sub\/ listed by the factory changed\)/)
  project.write('data/sub/deeper/c.txt', 'c')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['deep', 'globbed'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('records the reads of a package that kept node:fs functions from its import (fast-glob), in a worker and in a globalSetup: a file added to a globbed folder rebuilds', async () => {
  const project = Project.create({
    'data/a.txt': 'a',
    'data/b.txt': 'b',
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { globalSetup: ['test/global-setup.ts'] } })
`,
    'test/global-setup.ts': `
import { appendFileSync } from 'node:fs'
import fg from 'fast-glob'
import type { TestProject } from 'vitest/node'
import { cachedValue } from 'vitest-fixture-cache'
declare module 'vitest' { export interface ProvidedContext { listed: string[] } }
export default async function setup(project: TestProject) {
  project.provide('listed', await cachedValue('listed', async () => {
    ${log('listed')}
    return (await fg('data/*.txt')).sort()
  }))
}
`,
    'test/a.test.ts': `
import { appendFileSync, readdirSync } from 'node:fs'
import fg from 'fast-glob'
import { test as base, expect, inject } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  names: cached(async () => {
    ${log('names')}
    return (await fg('data/*.txt')).sort()
  }),
})
test('every file', ({ names }) => {
  const files = readdirSync('data').sort().map(name => 'data/' + name)
  expect(names).toEqual(files)
  expect(inject('listed')).toEqual(files)
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['listed', 'names'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.write('data/c.txt', 'c')
  const added = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['listed', 'names'])
  expect(added.stderr).toMatch(/names: built in \d+ ms \(folder data\/ listed by the factory changed\)/)
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds when an env var the factory read but did not declare changes, and reuses both values after', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  sized: cached(async () => {
    ${log('sized')}
    return Array.from({ length: Number(process.env.SIZE ?? 3) }, (_, index) => index)
  }),
  // Reads every variable only by listing the environment: not an input per variable.
  listed: cached(async () => {
    ${log('listed')}
    return Object.keys({ ...process.env }).length > 0
  }),
})
test('the value follows SIZE', ({ sized, listed }) => {
  expect(sized).toHaveLength(Number(process.env.SIZE ?? 3))
  expect(listed).toBe(true)
})
`,
  })
  await runOk(project, [], { SIZE: '5' })
  expect(project.takeBuilds()).toEqual(['listed', 'sized'])
  const changed = await runOk(project, [], { SIZE: '7', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['sized'])
  expect(changed.stderr).toMatch(/sized: built in \d+ ms \(env SIZE read by the factory changed\)/)
  // Back and forth: both entries are kept.
  await runOk(project, [], { SIZE: '5', UNRELATED: 'x' })
  await runOk(project, [], { SIZE: '7' })
  expect(project.takeBuilds()).toEqual([])
})

it('counts an env var read right after a child process copied the environment, one only tested for being set, and the names of a listing the factory chose from', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  // Node lists process.env for the child, then the factory reads SEED in the same tick.
  seeded: cached(async () => {
    ${log('seeded')}
    execFileSync(process.execPath, ['-e', ''])
    return Number(process.env.SEED) * 10
  }),
  flags: cached(async () => {
    ${log('flags')}
    return Object.keys(process.env).filter(name => name.startsWith('FEATURE_')).sort()
  }),
  // Whether it is set, not its value.
  nightly: cached(async () => {
    ${log('nightly')}
    return Object.hasOwn(process.env, 'NIGHTLY')
  }),
})
test('values follow the environment', ({ seeded, flags, nightly }) => {
  expect(nightly).toBe('NIGHTLY' in process.env)
  expect(seeded).toBe(Number(process.env.SEED) * 10)
  expect(flags).toEqual(Object.keys(process.env).filter(name => name.startsWith('FEATURE_')).sort())
})
`,
  })
  await runOk(project, [], { SEED: '1' })
  expect(project.takeBuilds()).toEqual(['flags', 'nightly', 'seeded'])
  const changed = await runOk(project, [], { SEED: '5', FEATURE_SEARCH: '1', NIGHTLY: '', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['flags', 'nightly', 'seeded'])
  expect(changed.stderr).toMatch(/nightly: built in \d+ ms \(env NIGHTLY read by the factory changed\)/)
  expect(changed.stderr).toMatch(/seeded: built in \d+ ms \(env SEED read by the factory changed\)/)
  expect(changed.stderr).toMatch(/flags: built in \d+ ms \(env names listed by the factory changed\)/)
  // The cache's own flags and npm's script variables are no names the value depends on.
  await runOk(project, [], { SEED: '5', FEATURE_SEARCH: '1', NIGHTLY: '', FIXTURE_CACHE: 'on', npm_lifecycle_event: 'test', ...DEBUG })
  expect(project.takeBuilds()).toEqual([])
})

it('keys a factory that sets its own env default or time zone on what it found, not on what it left: the next run reuses it', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  port: cached(async () => {
    ${log('port')}
    process.env.DB_PORT ??= '5432'
    return Number(process.env.DB_PORT)
  }),
  hour: cached(async () => {
    ${log('hour')}
    process.env.TZ = 'Asia/Tokyo'
    return new Date(0).getHours()
  }),
})
test('values', ({ port, hour }) => {
  expect(port).toBe(Number(process.env.DB_PORT ?? 5432))
  expect(hour).toBe(9)
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['hour', 'port'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  // What the factory found is still an input; the machine's own zone is not, once it set one.
  await runOk(project, [], { DB_PORT: '6000', TZ: 'America/New_York' })
  expect(project.takeBuilds()).toEqual(['port'])
})

it('records env reads from an environment a test assigns anew (process.env = { ...OLD_ENV } in a beforeEach)', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { afterEach, beforeEach, test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const OLD_ENV = process.env
beforeEach(() => { process.env = { ...OLD_ENV } })
afterEach(() => { process.env = OLD_ENV })
const test = base.extend({
  first: cached(async () => {
    ${log('first')}
    return 'first'
  }),
  seeded: cached(async () => {
    ${log('seeded')}
    return Number(process.env.SEED ?? 0) * 10
  }),
})
test('first', ({ first }) => { expect(first).toBe('first') })
test('seeded', ({ seeded }) => { expect(seeded).toBe(Number(process.env.SEED ?? 0) * 10) })
`,
  })
  await runOk(project, [], { SEED: '1' })
  expect(project.takeBuilds()).toEqual(['first', 'seeded'])
  const changed = await runOk(project, [], { SEED: '2', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['seeded'])
  expect(changed.stderr).toMatch(/seeded: built in \d+ ms \(env SEED read by the factory changed\)/)
  await runOk(project, [], { SEED: '1' })
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds when an env var read at import time by code the factory reaches changes (a module-level const), and only that one', async () => {
  const project = Project.create({
    'src/config.ts': `
export const SEED = Number(process.env.SEED ?? 1)
export const { REGION = 'eu' } = process.env
export const VERBOSE = process.env['VERBOSE_LOGS'] === '1'
`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { REGION, SEED } from '../src/config'
const test = base.extend({
  seeded: cached(async () => {
    ${log('seeded')}
    return \`\${REGION}-\${SEED * 10}\`
  }),
})
test('seeded', ({ seeded }) => { expect(seeded).toBe(\`\${process.env.REGION ?? 'eu'}-\${Number(process.env.SEED ?? 1) * 10}\`) })
`,
  })
  await runOk(project, [], { SEED: '1' })
  const changed = await runOk(project, [], { SEED: '2' })
  expect(changed.output).toContain('env SEED read by src/config.ts changed')
  await runOk(project, [], { SEED: '2', REGION: 'us' })
  expect(project.takeBuilds()).toEqual(['seeded', 'seeded', 'seeded'])
  // A variable only code the factory does not reach reads changes nothing; going back is a hit.
  await runOk(project, [], { SEED: '2', REGION: 'us', VERBOSE_LOGS: '1' })
  await runOk(project, [], { SEED: '1' })
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds when a file the factory wrote outside its value (a temp file whose path it returns) is gone', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  database: cached(async () => {
    ${log('database')}
    const file = join(mkdtempSync(join(tmpdir(), 'vfc-e2e-out-')), 'data.db')
    writeFileSync(file, 'rows')
    appendFileSync('outputs.log', file + '\\n')
    return { file }
  }),
})
test('the file is there', ({ database }) => { expect(readFileSync(database.file, 'utf8')).toBe('rows') })
`,
  })
  try {
    await runOk(project)
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['database'])
    rmSync(dirname(project.read('outputs.log').split('\n')[0]!), { recursive: true })
    const gone = await runOk(project)
    expect(gone.output).toMatch(/database: path \/.*data\.db written by the factory changed/)
    expect(project.takeBuilds()).toEqual(['database'])
  }
  finally {
    for (const file of project.read('outputs.log').split('\n').filter(Boolean)) rmSync(dirname(file), { recursive: true, force: true })
  }
})

it('rebuilds when a value the factory injects changes (provided by a globalSetup), names it, and returns to the earlier entry', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { globalSetup: ['./setup.ts'], provide: { unread: 1 } } })
`,
    'setup.ts': `
import type { TestProject } from 'vitest/node'
import { readFileSync, rmSync } from 'node:fs'
export default function (project: TestProject) {
  project.provide('greeting', readFileSync('greeting.txt', 'utf8').trim())
}
`,
    'greeting.txt': 'hello',
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect, inject } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  message: cached(async () => {
    ${log('message')}
    return \`\${inject('greeting')}, world\`
  }),
})
test('message', ({ message }) => { expect(message).toBe(\`\${inject('greeting')}, world\`) })
`,
  })
  await runOk(project)
  project.write('greeting.txt', 'bye')
  const changed = await runOk(project)
  expect(changed.output).toContain("inject('greeting') read by the factory changed")
  expect(project.takeBuilds()).toEqual(['message', 'message'])
  // A provided value the factory does not read changes nothing; the earlier greeting is kept.
  project.edit('vitest.config.ts', 'unread: 1', 'unread: 2')
  await runOk(project)
  project.write('greeting.txt', 'hello')
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds dependents when a refreshed upstream\'s value changed, and only then', async () => {
  // The upstream reads its size through a child process: no recording sees that.
  const project = Project.create({
    'data/size.txt': '40',
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  corpus: cached(async () => {
    ${log('corpus')}
    return Array.from({ length: Number(execFileSync('cat', ['data/size.txt'], { encoding: 'utf8' })) }, (_, index) => index)
  }),
  index: cached(async ({ corpus }) => {
    ${log('index')}
    return { size: corpus.length }
  }),
})
test('the index matches the corpus', ({ corpus, index }) => {
  expect(index.size).toBe(corpus.length)
  expect(corpus).toHaveLength(Number(readFileSync('data/size.txt', 'utf8')))
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'index'])
  // Same value after a refresh: the dependent stays.
  await runOk(project, [], { FIXTURE_CACHE_REFRESH: 'corpus' })
  expect(project.takeBuilds()).toEqual(['corpus'])
  project.write('data/size.txt', '39')
  const refreshed = await runOk(project, [], { FIXTURE_CACHE_REFRESH: 'corpus', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['corpus', 'index'])
  expect(refreshed.stderr).toMatch(/index: built in \d+ ms \(fixture corpus value changed\)/)
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('sets again on a reuse the env vars its factory left set or deleted, in a test file and in a globalSetup, and rebuilds when a file one names is gone', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { globalSetup: ['./setup.ts'], env: { DROP_ME: 'set by the config' } } })
`,
    'setup.ts': `
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cachedValue } from 'vitest-fixture-cache'
export default async function () {
  await cachedValue('seed', async () => {
    ${log('seed')}
    process.env.SEED_DB = join(process.cwd(), 'seed.db')
    writeFileSync(process.env.SEED_DB, 'rows')
    return 'seeded'
  })
}
`,
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  url: cached(async () => {
    ${log('url')}
    process.env.FIXTURE_URL = 'sqlite://one'
    delete process.env.DROP_ME
    // Set back as found: nothing to set again.
    process.env.UNCHANGED = process.env.UNCHANGED
    return 'one'
  }),
})
test('env', ({ url }) => {
  expect(url).toBe('one')
  expect(process.env.FIXTURE_URL).toBe('sqlite://one')
  expect(process.env.DROP_ME).toBeUndefined()
  expect(process.env.SEED_DB).toBe(join(process.cwd(), 'seed.db'))
  expect(readFileSync(process.env.SEED_DB!, 'utf8')).toBe('rows')
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['seed', 'url'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  // explain names what a use sets, never the values.
  const explained = (await cli(project, ['explain', 'url'])).stdout
  expect(explained).toContain('  sets env FIXTURE_URL on every use')
  expect(explained).toContain('  sets env DROP_ME (deletes it) on every use')
  expect(explained).not.toContain('sqlite://one')
  project.remove('seed.db')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['seed'])
})

it('counts a module require()d from the cache an earlier build filled, and what it loaded (createRequire, the require Vitest gives a module)', async () => {
  const project = Project.create({
    'data/shared.json': '{ "n": 1 }',
    'data/loader.cjs': 'module.exports = { n: require("./shared.json").n }',
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const load = (name: string) => createRequire(import.meta.url)('../data/' + name)
const test = base.extend({
  first: cached(async () => {
    ${log('first')}
    return load('loader.cjs').n
  }),
  second: cached(async () => {
    ${log('second')}
    return require('../data/loader.cjs').n * 10
  }),
  third: cached(async () => {
    ${log('third')}
    return load('shared.json').n * 100
  }),
})
test('values', ({ first, second, third }) => {
  const n = JSON.parse(readFileSync('data/shared.json', 'utf8')).n
  expect([first, second, third]).toEqual([n, n * 10, n * 100])
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['first', 'second', 'third'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.write('data/shared.json', '{ "n": 2 }')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['first', 'second', 'third'])
})

// A test file's helper giving a cached value built from a file read by a computed path: no
// analysis reads it, only the recording sees it.
const LOAD_WORDS = `const file = ['data', 'words.txt'].join('/')
const loadWords = () => cachedValue('words', async () => {
  ${log('words')}
  return readFileSync(file, 'utf8').split(' ')
})`

it('stores no value whose factory obtains another cached value (a reuse would never ask for it again), and keys one that reads it from outside by its value', async () => {
  const project = Project.create({
    'data/words.txt': 'a b c',
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached, cachedValue } from 'vitest-fixture-cache'
${LOAD_WORDS}
const test = base.extend({
  index: cached(async () => {
    ${log('index')}
    return { count: (await loadWords()).length }
  }),
})
const countOf = () => readFileSync('data/words.txt', 'utf8').split(' ').length
test('index', ({ index }) => { expect(index.count).toBe(countOf()) })
test('words', async () => {
  const words = await loadWords()
  const counted = await cachedValue('counted', async () => {
    ${log('counted')}
    return words.length
  })
  expect(counted).toBe(countOf())
})
`,
  })
  const cold = await runOk(project)
  expect(cold.stdout).toContain('index: not stored: it obtains the cached value "words" while it builds')
  expect(project.takeBuilds()).toEqual(['counted', 'index', 'words'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['index'])
  project.write('data/words.txt', 'a b c d')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['counted', 'index', 'words'])
})

it('keys a factory that reads a module variable holding a cached value (top level, or assigned in a hook through a helper) on that value', async () => {
  const project = Project.create({
    'data/words.txt': 'a b c',
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { beforeAll, test as base, expect } from 'vitest'
import { cached, cachedValue } from 'vitest-fixture-cache'
${LOAD_WORDS}
const words = await loadWords()
let again: string[] = []
beforeAll(async () => { again = await loadWords() })
const test = base.extend({
  count: cached(async () => {
    ${log('count')}
    return words.length
  }),
  longest: cached(async () => {
    ${log('longest')}
    return Math.max(...again.map(word => word.length)) + again.length
  }),
})
test('values', ({ count, longest }) => {
  const now = readFileSync('data/words.txt', 'utf8').split(' ')
  expect(count).toBe(now.length)
  expect(longest).toBe(1 + now.length)
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['count', 'longest', 'words'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.write('data/words.txt', 'a b c d')
  const changed = await runOk(project)
  expect(changed.stdout).toContain('count: variable words changed')
  expect(project.takeBuilds()).toEqual(['count', 'longest', 'words'])
})

it('chains on a plain upstream\'s value', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  n: async ({}, use) => { await use(Number(process.env.N)) },
  double: cached(async ({ n }) => {
    ${log('double')}
    return n * 2
  }),
})
test('double', ({ double }) => { expect(double).toBe(Number(process.env.N) * 2) })
`,
  })
  await runOk(project, [], { N: '1' })
  await runOk(project, [], { N: '5' })
  expect(project.takeBuilds()).toEqual(['double', 'double'])
  await runOk(project, [], { N: '1' })
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds when a file a module reads at import time (by a path relative to itself) changes', async () => {
  const project = Project.create({
    'test/migration.sql': 'create table users (id int);',
    'test/db.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const MIGRATION_SQL = readFileSync(new URL('./migration.sql', import.meta.url), 'utf8')
export const test = base.extend({
  schema: cached(async () => {
    ${log('schema')}
    return MIGRATION_SQL.toUpperCase()
  }),
})
`,
    'test/a.test.ts': `
import { readFileSync, rmSync } from 'node:fs'
import { expect } from 'vitest'
import { test } from './db'
test('schema', ({ schema }) => { expect(schema).toBe(readFileSync('test/migration.sql', 'utf8').toUpperCase()) })
`,
  })
  await runOk(project)
  project.write('test/migration.sql', 'create table users (id int, email text);')
  const edited = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['schema', 'schema'])
  expect(edited.stderr).toMatch(/schema: built in \d+ ms \(file test\/migration\.sql read by test\/db\.ts changed\)/)
})

it('does not count a path the factory only writes to (a log beside its module, under the working directory, or held in a module constant) as read: the next run rebuilds nothing', async () => {
  const project = Project.create({
    'test/fixtures.ts': `
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const LOG = join(import.meta.dirname, 'const.log')
const STAMP = fileURLToPath(new URL('./stamp.txt', import.meta.url))
function note(line: string) {
  appendFileSync(LOG, line)
}
export const test = base.extend({
  logged: cached(async () => {
    ${log('logged')}
    appendFileSync(join(import.meta.dirname, 'build.log'), 'built\\n')
    appendFileSync(fileURLToPath(new URL('./url.log', import.meta.url)), 'built\\n')
    mkdirSync('logs', { recursive: true })
    appendFileSync(join('logs', 'cwd.log'), 'built\\n')
    note('built\\n')
    writeFileSync(STAMP, String(Date.now()))
    return 'logged'
  }),
})
`,
    'test/a.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('logged', ({ logged }) => { expect(logged).toBe('logged') })
`,
  })
  await runOk(project)
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['logged'])
})

it('rebuilds when what code reaches by pattern or from the working directory changes: import.meta.glob, import(`./${lang}`), readFileSync(\'x\'), resolve(\'x\') and join(\'a\', \'b\') at import', async () => {
  const project = Project.create({
    'data/a.json': '{ "n": 1 }',
    'seed.sql': 'insert into a values (1);',
    'seeds/users.csv': 'ada\n',
    'langs/de.ts': `export const word = 'hallo'`,
    'langs/en.ts': `export const word = 'hello'`,
    'schema.sql': 'create table a (x int);',
    'test/helpers.ts': `
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
export const all = import.meta.glob('../data/*.json', { eager: true, import: 'default' })
export const texts = import.meta.glob('/langs/*.ts', { eager: true, query: '?raw', import: 'default' })
export const SCHEMA = readFileSync('schema.sql', 'utf8')
// The working directory itself is no input: the builds log written there changes its listing.
const ROOT = resolve('.')
export const SEED = readFileSync(resolve('seed.sql'), 'utf8') + readFileSync(join('seeds', 'users.csv'), 'utf8') + (ROOT ? '' : '?')
`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { all, SCHEMA, SEED, texts } from './helpers'
export const test = base.extend({
  seeded: cached(async () => {
    ${log('seeded')}
    return SEED
  }),
  globbed: cached(async () => {
    ${log('globbed')}
    return Object.values(all).map(data => data.n)
  }),
  raw: cached(async () => {
    ${log('raw')}
    return Object.values(texts).join('|')
  }),
  schema: cached(async () => {
    ${log('schema')}
    return SCHEMA
  }),
  word: cached(async () => {
    ${log('word')}
    const lang = 'de'
    return (await import(\`../langs/\${lang}.ts\`)).word
  }),
})
`,
    'test/a.test.ts': `
import { readdirSync, readFileSync } from 'node:fs'
import { expect } from 'vitest'
import { test } from './fixtures'
const read = (path: string) => readFileSync(path, 'utf8')
test('fresh', ({ globbed, raw, schema, seeded, word }) => {
  expect(seeded).toBe(read('seed.sql') + read('seeds/users.csv'))
  expect(globbed).toEqual(readdirSync('data').sort().map(file => JSON.parse(read('data/' + file)).n))
  expect(raw).toBe(readdirSync('langs').sort().map(file => read('langs/' + file)).join('|'))
  expect(schema).toBe(read('schema.sql'))
  expect(word).toBe(read('langs/de.ts').match(/'(.*)'/)![1])
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['globbed', 'raw', 'schema', 'seeded', 'word'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])

  project.write('seed.sql', 'insert into a values (2);')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['seeded'])
  project.write('seeds/users.csv', 'ada\ngrace\n')
  const joined = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['seeded'])
  expect(joined.stderr).toMatch(/seeded: built in \d+ ms \(file seeds\/users\.csv read by test\/helpers\.ts changed\)/)

  project.write('data/b.json', '{ "n": 2 }')
  const added = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['globbed'])
  expect(added.stderr).toMatch(/globbed: built in \d+ ms \(module data\/b\.json added\)/)
  project.write('data/a.json', '{ "n": 3 }')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['globbed'])

  project.write('schema.sql', 'create table b (y int);')
  const edited = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['schema'])
  expect(edited.stderr).toMatch(/schema: built in \d+ ms \(file schema\.sql read by test\/helpers\.ts changed\)/)

  // A comment is no change to the module, but it is to its text.
  project.edit('langs/en.ts', `'hello'`, `'hello' // greeting`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['raw'])
  project.edit('langs/de.ts', 'hallo', 'servus')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['raw', 'word'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds when a module the factory imported by a path computed at run time changes, or what it imports; a comment in a module its code names rebuilds nothing', async () => {
  const project = Project.create({
    'data/cases/a.ts': `import { unit } from '../unit'\nexport const size = 2 * unit`,
    'data/unit.ts': `export const unit = 10`,
    'test/lazy.ts': `export const lazy = 'lazy'`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  size: cached(async () => {
    ${log('size')}
    const name = ['a'].join('')
    return (await import(join(import.meta.dirname, '../data/cases', name + '.ts'))).size
  }),
  lazy: cached(async () => {
    ${log('lazy')}
    return (await import('./lazy')).lazy
  }),
})
`,
    'test/a.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
import { readFileSync } from 'node:fs'
const number = (path: string) => Number(readFileSync(path, 'utf8').match(/(\\d+)/)![1])
test('fresh', ({ size, lazy }) => {
  expect(size).toBe(number('data/cases/a.ts') * number('data/unit.ts'))
  expect(lazy).toBe('lazy')
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['lazy', 'size'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])

  project.edit('data/cases/a.ts', '2 * unit', '3 * unit')
  const edited = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['size'])
  expect(edited.stderr).toMatch(/size: built in \d+ ms \(module data\/cases\/a\.ts imported by the factory changed\)/)
  project.edit('data/unit.ts', '10', '100')
  const deeper = await runOk(project, [], DEBUG)
  expect(project.takeBuilds()).toEqual(['size'])
  expect(deeper.stderr).toMatch(/size: built in \d+ ms \(module data\/unit\.ts imported by the factory changed\)/)

  // Its code names ./lazy: the module's code is in the key already, a comment is no change to it.
  project.edit('test/lazy.ts', `'lazy'`, `'lazy' // a comment`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds a value built from a file\'s size (statSync) or from the time zone\'s name (resolvedOptions)', async () => {
  const project = Project.create({
    'data/x.bin': 'abc',
    'test/a.test.ts': `
import { appendFileSync, statSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  size: cached(async () => {
    ${log('size')}
    return statSync('data/x.bin').size
  }),
  zone: cached(async () => {
    ${log('zone')}
    return Intl.DateTimeFormat().resolvedOptions().timeZone
  }),
})
test('made here', ({ size, zone }) => {
  expect(size).toBe(statSync('data/x.bin').size)
  expect(zone).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone)
})
`,
  })
  await runOk(project, [], { TZ: 'UTC' })
  expect(project.takeBuilds()).toEqual(['size', 'zone'])
  project.write('data/x.bin', 'abcdef')
  const grown = await runOk(project, [], { TZ: 'UTC', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['size'])
  expect(grown.stderr).toMatch(/size: built in \d+ ms \(path data\/x\.bin inspected by the factory changed\)/)
  const moved = await runOk(project, [], { TZ: 'Asia/Tokyo', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['zone'])
  expect(moved.stderr).toMatch(/zone: built in \d+ ms \(time zone used by the factory changed\)/)
  await runOk(project, [], { TZ: 'UTC' })
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds a value that used the machine (time zone, locale, platform, home folder) when that changed, and only such a value', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { setupFiles: ['test/setup.ts'] } })
`,
    // Another machine, as the factory sees it: what process.platform says. (The variable is read by
    // a computed name, which nothing keys: only the platform changes.)
    'test/setup.ts': `
const pretend = process.env[['PRETEND', 'PLATFORM'].join('_')]
if (pretend) Object.defineProperty(process, 'platform', { value: pretend, configurable: true })
`,
    // Read at import, where nothing records it: the code says what it reads.
    'src/platform.ts': `export const TOOL = process.platform === 'win32' ? 'tool.exe' : 'tool'\n`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { TOOL } from '../src/platform'
const at = () => new Date(Date.UTC(2024, 0, 1, 23, 30))
const test = base.extend({
  when: cached(async () => {
    ${log('when')}
    return at().toLocaleString()
  }),
  day: cached(async () => {
    ${log('day')}
    return at().getDate()
  }),
  // Read only in UTC, made in the local zone: from local parts, or from a text without an offset.
  seeded: cached(async () => {
    ${log('seeded')}
    return { createdAt: new Date(2024, 0, 15).toISOString() }
  }),
  parsed: cached(async () => {
    ${log('parsed')}
    return Date.parse('2024-01-15T10:00')
  }),
  amount: cached(async () => {
    ${log('amount')}
    return (1234.5).toLocaleString()
  }),
  tool: cached(async () => {
    ${log('tool')}
    return { bin: process.platform === 'win32' ? 'tool.exe' : 'tool', config: homedir() + '/.toolrc' }
  }),
  imported: cached(async () => {
    ${log('imported')}
    return TOOL
  }),
  plain: cached(async () => {
    ${log('plain')}
    console.log('built at', Date.now())
    return [at().toISOString(), ['b', 'a'].sort().join(), new Date('2024-01-15').getTime(), new Date('2024-01-15T10:00:00+02:00').getTime(), Date.parse('Mon, 15 Jan 2024 10:00:00 GMT'), new Date(0).toISOString()]
  }),
})
test('values are made here', ({ when, day, seeded, parsed, amount, tool, imported, plain }) => {
  expect(imported).toBe(process.platform === 'win32' ? 'tool.exe' : 'tool')
  expect(when).toBe(at().toLocaleString())
  expect(day).toBe(at().getDate())
  expect(seeded).toEqual({ createdAt: new Date(2024, 0, 15).toISOString() })
  expect(parsed).toBe(new Date('2024-01-15T10:00').getTime())
  expect(amount).toBe((1234.5).toLocaleString())
  expect(tool).toEqual({ bin: process.platform === 'win32' ? 'tool.exe' : 'tool', config: homedir() + '/.toolrc' })
  expect(plain).toEqual([at().toISOString(), 'a,b', Date.UTC(2024, 0, 15), Date.UTC(2024, 0, 15, 8), Date.UTC(2024, 0, 15, 10), '1970-01-01T00:00:00.000Z'])
})
`,
  })
  const here = { TZ: 'UTC', LC_ALL: 'en_US.UTF-8', HOME: project.dir }
  await runOk(project, [], here)
  expect(project.takeBuilds()).toEqual(['amount', 'day', 'imported', 'parsed', 'plain', 'seeded', 'tool', 'when'])
  await runOk(project, [], here)
  expect(project.takeBuilds()).toEqual([])
  const zoned = await runOk(project, [], { ...here, TZ: 'Asia/Tokyo', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['day', 'parsed', 'seeded', 'when'])
  expect(zoned.stderr).toMatch(/day: built in \d+ ms \(time zone used by the factory changed\)/)
  expect(zoned.stderr).toMatch(/seeded: built in \d+ ms \(time zone used by the factory changed\)/)
  const german = await runOk(project, [], { ...here, LC_ALL: 'de_DE.UTF-8', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['amount', 'when'])
  expect(german.stderr).toMatch(/amount: built in \d+ ms \(locale used by the factory changed\)/)
  const windows = await runOk(project, [], { ...here, PRETEND_PLATFORM: 'win32', ...DEBUG })
  expect(project.takeBuilds()).toEqual(['imported', 'tool'])
  expect(windows.stderr).toMatch(/tool: built in \d+ ms \(process\.platform used by the factory changed\)/)
  expect(windows.stderr).toMatch(/imported: built in \d+ ms \(process\.platform read by src\/platform\.ts changed\)/)
  const elsewhere = await runOk(project, [], { ...here, HOME: join(project.dir, 'test'), ...DEBUG })
  expect(project.takeBuilds()).toEqual(['tool'])
  expect(elsewhere.stderr).toMatch(/tool: built in \d+ ms \(os\.homedir\(\) used by the factory changed\)/)
  await runOk(project, [], here)
  expect(project.takeBuilds()).toEqual([])
})

it('rebuilds a value that read a path relative to the working directory when Vitest runs from another folder, and only such a value', async () => {
  const project = Project.create({
    'data/x.txt': 'root data',
    'sub/data/x.txt': 'sub data',
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
// Each run logs its builds where it runs: builds.log and sub/builds.log.
const log = (name: string) => appendFileSync('builds.log', name + '\\n')
// Computed: no analysis reads these paths, only the recording sees them.
const parts = ['data', 'x.txt']
const test = base.extend({
  relative: cached(async () => {
    log('relative')
    return readFileSync(parts.join('/'), 'utf8')
  }),
  fromCwd: cached(async () => {
    log('fromCwd')
    return readFileSync(join(process.cwd(), ...parts), 'utf8')
  }),
  besideModule: cached(async () => {
    log('besideModule')
    return readFileSync(join(import.meta.dirname, '..', ...parts), 'utf8')
  }),
})
test('values', ({ relative, fromCwd, besideModule }) => {
  expect(relative).toBe(readFileSync('data/x.txt', 'utf8'))
  expect(fromCwd).toBe(readFileSync('data/x.txt', 'utf8'))
  expect(besideModule).toBe('root data')
})
`,
  })
  const fromSub = async (): Promise<string[]> => {
    const result = await project.runFrom('sub', ['--root', '..'])
    expect(result.code, result.output).toBe(0)
    const builds = project.exists('sub/builds.log') ? project.read('sub/builds.log').split('\n').filter(Boolean).sort() : []
    project.write('sub/builds.log', '')
    return builds
  }
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['besideModule', 'fromCwd', 'relative'])
  // (Writing its log by a relative path made no factory depend on where it runs: besideModule is reused.)
  expect(await fromSub()).toEqual(['fromCwd', 'relative'])
  expect(project.read('node_modules/.cache/vitest-fixture-cache/last-run.json')).toContain('working directory used by the factory changed')
  // Both places keep their entries.
  await runOk(project)
  expect(await fromSub()).toEqual([])
  expect(project.takeBuilds()).toEqual([])
})

it('counts files a factory reads in a sibling package of the workspace (a monorepo)', async () => {
  const project = Project.create({
    'package.json': JSON.stringify({ type: 'module', private: true, workspaces: ['packages/*'] }),
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { root: 'packages/api' } })
`,
    'packages/db/drizzle/0001.sql': 'create table a (x int);',
    'packages/api/test/a.test.ts': `
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const MIGRATIONS = join(import.meta.dirname, '../../db/drizzle')
const migrate = () => readdirSync(MIGRATIONS).sort().map(name => readFileSync(join(MIGRATIONS, name), 'utf8'))
const test = base.extend({
  schema: cached(async () => {
    appendFileSync('builds.log', 'schema\\n')
    return migrate()
  }),
})
test('schema', ({ schema }) => { expect(schema).toEqual(migrate()) })
`,
  })
  await runOk(project)
  project.write('packages/db/drizzle/0001.sql', 'create table a (x int, y int);')
  await runOk(project)
  project.write('packages/db/drizzle/0002.sql', 'create table b (x int);')
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['schema', 'schema', 'schema'])
})

it('returns to earlier entries: an undone factory edit and a git branch switched back build nothing', async () => {
  const project = Project.create({
    'src/shape.ts': `export const shape = (n: number) => ({ n, kind: 'square' })\n`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { shape } from '../src/shape'
const test = base.extend({
  value: cached(async () => {
    ${log('value')}
    return shape(2)
  }),
})
test('value', ({ value }) => { expect(value).toEqual(shape(2)) })
`,
    '.gitignore': 'node_modules\nbuilds.log\n',
  })
  const git = (...args: string[]) => execFileSync('git', args, { cwd: project.dir, stdio: 'ignore' })
  git('init', '-q', '-b', 'main')
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'init', '--allow-empty')
  git('add', '.')
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qm', 'a')
  await runOk(project)
  git('checkout', '-qb', 'circle')
  project.edit('src/shape.ts', `'square'`, `'circle'`)
  git('-c', 'user.email=t@example.com', '-c', 'user.name=t', 'commit', '-qam', 'b')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['value', 'value'])
  git('checkout', '-q', 'main')
  await runOk(project)
  git('checkout', '-q', 'circle')
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])

  project.edit('test/a.test.ts', `return shape(2)`, `return shape(1 + 1)`)
  await runOk(project)
  project.edit('test/a.test.ts', `return shape(1 + 1)`, `return shape(2)`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['value'])
  // Square, circle, and the circle built by shape(1 + 1): each kept.
  expect(project.cacheEntries()).toHaveLength(3)
})

it('keeps every key a run uses: a fixture keyed per parameter, used with more keys than a slot keeps, builds nothing the next run', async () => {
  const languages = ['en', 'de', 'fr', 'es', 'it', 'nl', 'pt']
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, describe, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  language: '',
  words: cached(async ({ language }) => {
    ${log('words')}
    return \`words of \${language}\`
  }, { key: ({ language }) => language }),
})
for (const language of ${JSON.stringify(languages)}) {
  describe(language, () => {
    test.scoped({ language })
    test('words', ({ words }) => { expect(words).toBe(\`words of \${language}\`) })
  })
}
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toHaveLength(languages.length)
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  expect(project.cacheEntries()).toHaveLength(languages.length)
})

it('is one run across inline projects: one build on refresh, one summary line, one report of every project', async () => {
  const fixtures = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  shared: cached(async () => {
    ${log('shared')}
    return [1, 2, 3]
  }, { scope: 'file' }),
  onlyA: cached(async () => {
    ${log('onlyA')}
    return 'a'
  }),
  onlyB: cached(async () => {
    ${log('onlyB')}
    return 'b'
  }),
})
`
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({
  plugins: [fixtureCache()],
  test: { projects: [
    { extends: true, test: { name: 'a', include: ['test/a.test.ts'] } },
    { extends: true, test: { name: 'b', include: ['test/b.test.ts'] } },
  ] },
})
`,
    'test/fixtures.ts': fixtures,
    'test/a.test.ts': `import { expect } from 'vitest'\nimport { test } from './fixtures'\ntest('a', ({ shared, onlyA }) => { expect([shared, onlyA]).toEqual([[1, 2, 3], 'a']) })\n`,
    'test/b.test.ts': `import { expect } from 'vitest'\nimport { test } from './fixtures'\ntest('b', ({ shared, onlyB }) => { expect([shared, onlyB]).toEqual([[1, 2, 3], 'b']) })\n`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['onlyA', 'onlyB', 'shared'])
  const refreshed = await runOk(project, [], { FIXTURE_CACHE_REFRESH: '1' })
  expect(project.takeBuilds()).toEqual(['onlyA', 'onlyB', 'shared'])
  expect(refreshed.stdout.match(/fixture cache:/g)).toHaveLength(1)
  const report = JSON.parse(readFileSync(join(project.dir, 'node_modules/.cache/vitest-fixture-cache/last-run.json'), 'utf8')) as { fixtures: Array<{ name: string, outcome: string }> }
  expect(report.fixtures.map(fixture => [fixture.name, fixture.outcome])).toEqual([['onlyA', 'miss'], ['onlyB', 'miss'], ['shared', 'miss']])
})

it('warns when FIXTURE_CACHE_REFRESH names no fixture, listing the known ones', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ corpus: cached(async () => 1) })
test('corpus', ({ corpus }) => { expect(corpus).toBe(1) })
`,
  })
  const result = await runOk(project, [], { FIXTURE_CACHE_REFRESH: 'corpsu' })
  expect(result.output).toContain('FIXTURE_CACHE_REFRESH names "corpsu", which no cached fixture has; known fixtures: corpus')
})

it('keys a factory on the value of module state it reaches that a hook or setup file set at run time (export let settings, loaded from a file), not only on its code', async () => {
  const project = Project.create({
    'settings.json': '{"scale":2}',
    'src/config.ts': `
import { readFileSync } from 'node:fs'
export let settings = { scale: 1 }
export function loadSettings(file: string) { settings = JSON.parse(readFileSync(file, 'utf8')) }
export const state = { scale: 1 }
export function loadState(file: string) { Object.assign(state, JSON.parse(readFileSync(file, 'utf8'))) }
export let client = { query: () => 'rows' }
`,
    'test/setup.ts': `
import { loadState } from '../src/config'
loadState('settings.json')
`,
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { beforeAll, test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { settings, loadSettings, state, client } from '../src/config'
beforeAll(() => { loadSettings('settings.json') })
const test = base.extend({
  scaled: cached(async () => {
    ${log('scaled')}
    return settings.scale * 21
  }),
  stated: cached(async () => {
    ${log('stated')}
    return state.scale * 21
  }),
  rows: cached(async () => {
    ${log('rows')}
    return client.query()
  }),
})
test('values', ({ scaled, stated, rows }) => {
  const scale = JSON.parse(readFileSync('settings.json', 'utf8')).scale
  expect(scaled).toBe(scale * 21)
  expect(stated).toBe(scale * 21)
  expect(rows).toBe('rows')
})
`,
  })
  project.edit('vitest.config.ts', 'plugins: [fixtureCache()]', `plugins: [fixtureCache()], test: { setupFiles: ['test/setup.ts'] }`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['rows', 'scaled', 'stated'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.write('settings.json', '{"scale":3}')
  const changed = await runOk(project)
  expect(changed.stdout).toContain('scaled: value of let settings in src/config.ts changed')
  expect(changed.stdout).toContain('stated: value of const state in src/config.ts changed')
  // A binding that is not data (a client) counts by its code: still reused.
  expect(project.takeBuilds()).toEqual(['scaled', 'stated'])
})

it('rebuilds when a file changes inside a folder the factory copied (cpSync, fs.promises.cp: native on Node 22) and read from the copy', async () => {
  const project = Project.create({
    'data/tree/a.txt': 'one',
    'data/tree/sub/b.txt': 'two',
    'test/a.test.ts': `
import { appendFileSync, cpSync, mkdtempSync, readFileSync, promises } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  synced: cached(async () => {
    ${log('synced')}
    const to = mkdtempSync(join(tmpdir(), 'copy-'))
    cpSync('data/tree', to, { recursive: true })
    return readFileSync(join(to, 'a.txt'), 'utf8') + readFileSync(join(to, 'sub/b.txt'), 'utf8')
  }),
  awaited: cached(async () => {
    ${log('awaited')}
    const to = mkdtempSync(join(tmpdir(), 'copy-'))
    await promises.cp('data/tree', to, { recursive: true })
    return readFileSync(join(to, 'a.txt'), 'utf8') + readFileSync(join(to, 'sub/b.txt'), 'utf8')
  }),
})
test('copies', ({ synced, awaited }) => {
  const now = readFileSync('data/tree/a.txt', 'utf8') + readFileSync('data/tree/sub/b.txt', 'utf8')
  expect(synced).toBe(now)
  expect(awaited).toBe(now)
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['awaited', 'synced'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.write('data/tree/sub/b.txt', 'TWO')
  const changed = await runOk(project)
  expect(changed.stdout).toContain('synced: file data/tree/sub/b.txt read by the factory changed')
  expect(project.takeBuilds()).toEqual(['awaited', 'synced'])
})

it('rebuilds when a link the factory resolved (realpathSync, readlinkSync) leads elsewhere, though what it read there did not change', async () => {
  const project = Project.create({
    'data/v1/x.txt': 'one',
    'data/v2/x.txt': 'two',
    'test/a.test.ts': `
import { appendFileSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  real: cached(async () => {
    ${log('real')}
    return readFileSync(join(realpathSync('data/current'), 'x.txt'), 'utf8')
  }),
  link: cached(async () => {
    ${log('link')}
    return readFileSync(join('data', readlinkSync('data/current'), 'x.txt'), 'utf8')
  }),
})
test('current', ({ real, link }) => {
  expect(real).toBe(readFileSync('data/current/x.txt', 'utf8'))
  expect(link).toBe(readFileSync('data/current/x.txt', 'utf8'))
})
`,
  })
  project.link('data/current', 'v1')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['link', 'real'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.remove('data/current')
  project.link('data/current', 'v2')
  const changed = await runOk(project)
  expect(changed.stdout).toContain('real: path data/current resolved by the factory changed')
  expect(project.takeBuilds()).toEqual(['link', 'real'])
})

it('says which programs a build ran in child processes, whose reads it cannot see', async () => {
  const project = Project.create({
    'data/a.txt': 'one',
    'test/a.test.ts': `
import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs'
import { exec, execSync, spawnSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  copied: cached(async () => {
    ${log('copied')}
    const to = mkdtempSync(join(tmpdir(), 'copy-'))
    execSync('cp data/a.txt ' + to)
    spawnSync(process.execPath, ['-e', '0'])
    await new Promise(resolve => exec('true', resolve))
    return readFileSync(join(to, 'a.txt'), 'utf8')
  }),
})
test('copied', ({ copied }) => { expect(copied).toBe('one') })
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['copied'])
  const report = project.read('node_modules/.cache/vitest-fixture-cache/last-run.json')
  expect(report).toContain('it ran `cp`, `node`, `true` in a child process, whose reads are not seen: declare what it reads (files, env, key)')
})

it('rebuilds when a package the factory reaches is patched (patch-package, pnpm patch: the same version, other code), and names it', async () => {
  const project = Project.create({
    'node_modules/tiny-lib/package.json': JSON.stringify({ name: 'tiny-lib', version: '1.0.0', type: 'module', exports: './index.js' }),
    'node_modules/tiny-lib/index.js': 'export const scale = n => n * 2\n',
    'node_modules/@org/calc/package.json': JSON.stringify({ name: '@org/calc', version: '2.0.0', type: 'module', exports: './index.js' }),
    'node_modules/@org/calc/index.js': 'export const add = n => n + 1\n',
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { scale } from 'tiny-lib'
import { add } from '@org/calc'
const test = base.extend({
  scaled: cached(async () => {
    ${log('scaled')}
    return scale(21)
  }),
  added: cached(async () => {
    ${log('added')}
    return add(41)
  }),
})
test('values', ({ scaled, added }) => {
  expect(scaled).toBe(scale(21))
  expect(added).toBe(add(41))
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['added', 'scaled'])
  // patch-package applies its patches on install: the package's code changes, its version does not.
  project.write('patches/tiny-lib+1.0.0.patch', '--- a/node_modules/tiny-lib/index.js\n+++ b/node_modules/tiny-lib/index.js\n-n * 2\n+n * 3\n')
  project.edit('node_modules/tiny-lib/index.js', 'n * 2', 'n * 3')
  const patched = await runOk(project)
  expect(patched.stdout).toContain('scaled: package tiny-lib 1.0.0 → 1.0.0 patched')
  expect(project.takeBuilds()).toEqual(['scaled'])
  // pnpm's name for a scoped package's patch.
  project.write('patches/@org__calc@2.0.0.patch', '-n + 1\n+n + 2\n')
  project.edit('node_modules/@org/calc/index.js', 'n + 1', 'n + 2')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['added'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})
