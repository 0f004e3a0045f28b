import type { KeyInput } from '../../src/shared/key.js'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Fingerprinter } from '../../src/node/fingerprint/fingerprinter.js'

let root: string

function write(files: Record<string, string>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
  }
}

// A small stand-in for Vite's resolver: relative paths with extension probing, packages in node_modules.
async function resolver(specifier: string, importer: string): Promise<string | null> {
  if (specifier.startsWith('/')) return existsSync(specifier) ? specifier : null
  if (!specifier.startsWith('.')) {
    const file = join(root, 'node_modules', specifier, 'index.js')
    return existsSync(file) ? file : null
  }
  const base = join(dirname(importer), specifier)
  return ['', '.ts', '.js', '/index.ts'].map(suffix => base + suffix).find(path => existsSync(path) && !path.endsWith('/')) ?? null
}

async function inputs(file = 'test/fixtures.ts', name = 'corpus', define = {}): Promise<Map<string, string>> {
  const list: KeyInput[] = (await new Fingerprinter(root).inputsFor({ file, name, occurrence: 0 }, { resolver, define })).inputs
  return new Map(list.map(input => [input.name, input.digest]))
}

const FIXTURES = `
import { cached } from 'vitest-fixture-cache'
import { test as base } from 'vitest'
import { tokenize } from '../src/text'
import * as stats from '../src/stats'
import words from '../data/words.json'
import { Database } from 'tiny-db'

const STOP = ['the']
function clean(list: string[]): string[] { return list.filter(word => !STOP.includes(word)) }
function unused() { return 'not reached' }

export const test = base.extend({
  config: { size: 2 },
  corpus: cached(async ({ config }) => {
    const db = new Database()
    return { words: clean(tokenize(words.join(' '))).slice(0, config.size), mean: stats.mean([1]), db: db.name, v: __VERSION__ }
  }),
})
test('a test in the same module', () => {})
`

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'vfc-fp-'))
  write({
    'test/fixtures.ts': FIXTURES,
    'src/text.ts': `export * from './tokenize'\nexport function other() { return 1 }\n`,
    'src/tokenize.ts': `import { lower } from './case'\nexport const tokenize = (text: string) => lower(text).split(' ')\nexport const untouched = 1\n`,
    'src/case.ts': `export function lower(text: string) { return text.toLowerCase() }\n`,
    'src/stats.ts': `export function mean(xs: number[]) { return xs.reduce((a, b) => a + b, 0) / xs.length }\nexport function median() { return 0 }\n`,
    'data/words.json': `["The", "cat"]`,
    'node_modules/tiny-db/index.js': `export class Database { name = 'tiny' }\n`,
    'node_modules/tiny-db/package.json': JSON.stringify({ name: 'tiny-db', version: '1.2.3' }),
  })
})
afterEach(() => rmSync(root, { recursive: true, force: true }))

describe('Fingerprinter', () => {
  it('names every piece of code the factory reaches, and nothing else', async () => {
    const found = await inputs('test/fixtures.ts', 'corpus', { __VERSION__: '"1.0"' })
    expect([...found.keys()].sort()).toEqual([
      'const STOP in test/fixtures.ts',
      'helper lower() in src/case.ts',
      'helper tokenize() in src/tokenize.ts',
      'define __VERSION__',
      'factory',
      'helper clean() in test/fixtures.ts',
      'helper mean() in src/stats.ts',
      'module data/words.json',
      'package tiny-db',
    ].sort())
    expect(found.get('package tiny-db')).toBe('1.2.3')
  })

  it('keeps the code of the fixtures a factory receives apart: it counts only when their value cannot', async () => {
    const fingerprint = await new Fingerprinter(root).inputsFor({ file: 'test/fixtures.ts', name: 'corpus', occurrence: 0 }, { resolver, define: {} })
    expect(fingerprint.fixtures.config?.map(input => input.name)).toEqual(['fixture config in test/fixtures.ts'])
    expect(fingerprint.inputs.map(input => input.name)).not.toContain('fixture config in test/fixtures.ts')
  })

  it('changes only the input whose code changed', async () => {
    const before = await inputs()
    write({ 'src/case.ts': `export function lower(text: string) { return text.toLocaleLowerCase() }\n` })
    const after = await inputs()
    const changed = [...after.keys()].filter(name => after.get(name) !== before.get(name))
    expect(changed).toEqual(['helper lower() in src/case.ts'])
  })

  it('ignores edits to code the factory does not reach, comments and types', async () => {
    const before = await inputs()
    write({
      'src/tokenize.ts': `import { lower } from './case'\n// split on spaces\nexport const tokenize = (text: string): string[] => lower(text).split(' ')\nexport const untouched = 2\n`,
      'src/text.ts': `export * from './tokenize'\nexport function other() { return 2 }\n`,
      'test/fixtures.ts': `${FIXTURES.replace('function unused() { return \'not reached\' }', 'function unused() { return \'still not\' }')}\ntest('another test', () => {})\n`,
    })
    expect(await inputs()).toEqual(before)
  })

  it('counts the top-level code of imported modules', async () => {
    const before = await inputs()
    write({ 'src/case.ts': `export function lower(text: string) { return text.toLowerCase() }\nglobalThis.mode = 'strict'\n` })
    const after = await inputs()
    expect(after.get('top-level code in src/case.ts')).toBeDefined()
    expect(before.has('top-level code in src/case.ts')).toBe(false)
  })

  it('follows dynamic imports with a literal specifier, and survives import cycles', async () => {
    write({
      'test/dynamic.ts': `import { cached } from 'vitest-fixture-cache'\nexport const fixtures = { corpus: cached(async () => (await import('../src/a')).a()) }\n`,
      'src/a.ts': `import { b } from './b'\nexport function a() { return b() }\n`,
      'src/b.ts': `import { a } from './a'\nexport function b() { return typeof a }\n`,
    })
    const found = await inputs('test/dynamic.ts')
    expect([...found.keys()].sort()).toEqual(['factory', 'helper a() in src/a.ts', 'helper b() in src/b.ts'])
  })

  it('falls back to the whole file for a module it cannot parse, and says so', async () => {
    write({ 'src/case.ts': `export function lower(text: string) { return text.toLowerCase( }\n` })
    const found = await inputs()
    expect(found.get('module src/case.ts')).toMatch(/^[0-9a-f]{64}$/)
  })

  it('counts files a module reads by a path relative to itself, at import time or in a helper', async () => {
    write({
      'test/db.ts': `import { cached } from 'vitest-fixture-cache'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
const MIGRATION = readFileSync(new URL('./migration.sql', import.meta.url), 'utf8')
const seed = () => readFileSync(join(import.meta.dirname, 'seed', 'rows.csv'), 'utf8')
export const fixtures = { db: cached(async () => MIGRATION + seed()) }
`,
      'test/migration.sql': 'create table a (x int);',
      'test/seed/rows.csv': '1\n2\n',
    })
    const before = await inputs('test/db.ts', 'db')
    expect(before.get('file test/migration.sql read by test/db.ts')).toMatch(/^[0-9a-f]{64}$/)
    expect(before.get('file test/seed/rows.csv read by test/db.ts')).toMatch(/^[0-9a-f]{64}$/)
    write({ 'test/migration.sql': 'create table a (x int, y int);' })
    const after = await inputs('test/db.ts', 'db')
    expect([...after.keys()].filter(name => after.get(name) !== before.get(name))).toEqual(['file test/migration.sql read by test/db.ts'])
  })

  it('counts a module constant holding a path as read unless every use of it writes there', async () => {
    write({
      'test/logs.ts': `import { cached } from 'vitest-fixture-cache'
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
const LOG = join(import.meta.dirname, 'build.log')
const STAMP = new URL('./stamp.txt', import.meta.url)
const STORE = join(import.meta.dirname, 'store.json')
const note = (line: string) => appendFileSync(LOG, line)
export const fixtures = { logged: cached(async () => {
  note('built')
  writeFileSync(fileURLToPath(STAMP), 'now')
  if (!existsSync(STORE)) writeFileSync(STORE, '[]')
  return readFileSync(STORE, 'utf8')
}) }
`,
    })
    const found = await inputs('test/logs.ts', 'logged')
    expect([...found.keys()].filter(name => name.startsWith('file '))).toEqual(['file test/store.json read by test/logs.ts'])
  })

  it('counts what code imports by pattern and reads from the working directory', async () => {
    write({
      'test/globs.ts': `import { cached } from 'vitest-fixture-cache'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
const parts = import.meta.glob(['./parts/*.ts', '!./parts/skip.ts'], { eager: true })
const texts = import.meta.glob('/texts/*.txt', { query: '?raw', eager: true })
const aliased = import.meta.glob('@/lib/*.ts')
const CONFIG = readFileSync('config/app.json', 'utf8') + readFileSync(join(process.cwd(), 'config', 'db.json'))
export const fixtures = { all: cached(async () => {
  const lang = 'de'
  const messages = await import('./langs/' + lang + '.ts')
  await new Promise(resolve => resolve('done'))
  return [parts, texts, aliased, CONFIG, messages, readFileSync('/etc/hostname')]
}) }
`,
      'test/parts/one.ts': 'export const one = 1',
      'test/parts/skip.ts': 'export const skip = 1',
      'test/langs/de.ts': 'export const hello = \'hallo\'',
      'texts/a.txt': 'a',
    })
    const found = await inputs('test/globs.ts', 'all')
    const fromCwd = (path: string) => relative(root, resolve(path)).split(sep).join('/')
    expect([...found.keys()]).toEqual(expect.arrayContaining([
      'const one in test/parts/one.ts',
      'const hello in test/langs/de.ts',
      'file texts/a.txt read by test/globs.ts',
      `file ${fromCwd('config/app.json')} read by test/globs.ts`,
      `file ${fromCwd('config/db.json')} read by test/globs.ts`,
    ]))
    // Not a skipped part, not a raw file's code, not an absolute path, not a promise's resolve().
    expect([...found.keys()].filter(name => /skip|const .* texts\/|hostname|done/.test(name))).toEqual([])
    expect(found.get('import.meta.glob ["@/lib/*.ts"] in test/globs.ts')).toBe('not followed')
  })

  it('counts the project\'s setup files and lists the modules the factory reaches', async () => {
    write({ 'test/setup.ts': `import { SCALE } from '../src/scale'\nglobalThis.SCALE = SCALE\n`, 'src/scale.ts': `export const SCALE = 2\n` })
    const fingerprint = await new Fingerprinter(root).inputsFor({ file: 'test/fixtures.ts', name: 'corpus', occurrence: 0 }, { resolver, define: {}, setupFiles: [join(root, 'test/setup.ts')] })
    const found = new Map(fingerprint.inputs.map(input => [input.name, input.digest]))
    expect(found.has('top-level code in test/setup.ts')).toBe(true)
    expect(found.has('const SCALE in src/scale.ts')).toBe(true)
    expect(fingerprint.modules).toEqual(expect.arrayContaining(['test/fixtures.ts', 'src/tokenize.ts', 'src/case.ts', 'package tiny-db']))
    expect(fingerprint.modules).not.toContain('src/text.ts#other')
  })

  it('lists the env vars the code it reaches reads by name, in every form, except the factory\'s own (recorded as it builds)', async () => {
    write({
      'src/env.ts': `
export const SEED = Number(process.env.SEED) + Number(process.env.VITEST_POOL_ID)
export const { REGION, ZONE: zone = 'a' } = process.env
export const HOST = import.meta.env['VITE_HOST']
export const UNREACHED = process.env.UNREACHED
`,
      'test/fixtures.ts': `
import { cached } from 'vitest-fixture-cache'
import { test as base } from 'vitest'
import { HOST, REGION, SEED } from '../src/env'
export const test = base.extend({ corpus: cached(async () => [SEED, REGION, HOST, process.env.AT_BUILD]) })
`,
    })
    const fingerprint = await new Fingerprinter(root).inputsFor({ file: 'test/fixtures.ts', name: 'corpus', occurrence: 0 }, { resolver, define: {} })
    expect(fingerprint.env).toEqual({
      'env SEED read by src/env.ts': 'SEED',
      'env REGION read by src/env.ts': 'REGION',
      'env ZONE read by src/env.ts': 'ZONE',
      'env VITE_HOST read by src/env.ts': 'VITE_HOST',
    })
  })
})
