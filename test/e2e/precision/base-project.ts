// One project whose cached fixtures each depend on a different kind of input.
// Every precision case copies it (with its warm cache), makes one edit and checks what is rebuilt.

const log = (name: string) => `appendFileSync('builds.log', '${name}\\n')`

export const FIXTURE_NAMES = [
  'aliased', 'chained', 'classy', 'computed', 'constant', 'dated', 'defined', 'dynamic', 'envSeed', 'filesIn',
  'fromBase', 'globbed', 'json', 'keyed', 'local', 'perTest', 'pkg', 'stats', 'withConfig', 'words',
]

export const BASE_FILES: Record<string, string> = {
  'vitest.config.ts': `
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'

export default defineConfig({
  plugins: [fixtureCache()],
  resolve: { alias: { '@lib': fileURLToPath(new URL('./lib-a', import.meta.url)) } },
  define: { __FLAVOR__: JSON.stringify('vanilla') },
})
`,
  'src/text.ts': `
export const STOPWORDS = ['the', 'a']

function lower(text: string): string {
  return text.toLowerCase()
}

export function tokenize(text: string, separator = /\\s+/): string[] {
  return lower(text).split(separator).filter(Boolean)
}

export function unusedHelper(): number {
  return 1
}
`,
  'src/stats.ts': `
export function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length
}

export function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
}
`,
  'src/index.ts': `
export * from './text'
export { mean } from './stats'
`,
  'data/shape.ts': `export const sides = 4\n`,
  'src/lazy.ts': `
export function lazyValue(): string {
  return 'lazy'
}
`,
  'src/counter.ts': `
export class Counter {
  count(items: string[]): number {
    return items.length
  }
}
`,
  'src/unrelated.ts': `
export const unrelated = 'real'
`,
  'lib-a/alias.ts': `
export function aliasHelper(): string {
  return 'from lib-a'
}
`,
  'lib-b/alias.ts': `
export function aliasHelper(): string {
  return 'from lib-b'
}
`,
  'src/parts.ts': `
export const parts = import.meta.glob('../data/parts/*.json', { eager: true, import: 'default' })
`,
  'data/words.json': '["alpha", "beta", "gamma"]',
  'data/parts/a.json': '{ "part": "a" }',
  'data/notes.txt': 'first note\n',
  'node_modules/tiny-lib/package.json': JSON.stringify({ name: 'tiny-lib', version: '1.0.0', type: 'module', exports: './index.js' }),
  'node_modules/tiny-lib/index.js': `export function version() { return 'tiny' }\n`,
  'test/base.ts': `
import { test as vitestTest } from 'vitest'

export const test = vitestTest.extend({
  shared: { level: 1 },
  unrelatedShared: { level: 1 },
})
`,
  'test/fixtures.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base } from './base'
import { cached } from 'vitest-fixture-cache'
import { aliasHelper } from '@lib/alias'
import { version } from 'tiny-lib'
import { Counter } from '../src/counter'
import { mean, tokenize } from '../src/index'
import wordList from '../data/words.json'
import { parts } from '../src/parts'

declare const __FLAVOR__: string

const LIMIT = Number(process.env.LIMIT ?? 10)

function square(value: number): number {
  return value * value
}

function localHelper(value: number): number {
  return square(value) + 1
}

function unrelatedLocal(): string {
  return 'not used by any fixture'
}

export const test = base.extend({
  config: { size: 2 },
  words: cached(async () => {
    ${log('words')}
    return tokenize('The quick brown fox').slice(0, 3)
  }),
  chained: cached(async ({ words }) => {
    ${log('chained')}
    return words.length
  }),
  stats: cached(async () => {
    ${log('stats')}
    return { mean: mean([1, 2, 3]) }
  }),
  local: cached(async () => {
    ${log('local')}
    return localHelper(3)
  }),
  json: cached(async () => {
    ${log('json')}
    return wordList.length
  }),
  dynamic: cached(async () => {
    ${log('dynamic')}
    const { lazyValue } = await import('../src/lazy')
    return lazyValue()
  }),
  computed: cached(async () => {
    ${log('computed')}
    const name = ['shape'].join('')
    return (await import(join(import.meta.dirname, '../data', name + '.ts'))).sides
  }),
  pkg: cached(async () => {
    ${log('pkg')}
    return version()
  }),
  withConfig: cached(async ({ config }) => {
    ${log('withConfig')}
    return config.size * 2
  }),
  aliased: cached(async () => {
    ${log('aliased')}
    return aliasHelper()
  }),
  defined: cached(async () => {
    ${log('defined')}
    return __FLAVOR__
  }),
  constant: cached(async () => {
    ${log('constant')}
    return LIMIT * 2
  }),
  classy: cached(async () => {
    ${log('classy')}
    return new Counter().count(['a', 'b'])
  }),
  envSeed: cached(async () => {
    ${log('envSeed')}
    return process.env.SEED ?? 'none'
  }, { env: 'SEED' }),
  filesIn: cached(async () => {
    ${log('filesIn')}
    return readFileSync('data/notes.txt', 'utf8')
  }, { files: 'data/*.txt' }),
  keyed: cached(async () => {
    ${log('keyed')}
    return 'keyed'
  }, { key: 'v1' }),
  fromBase: cached(async ({ shared }) => {
    ${log('fromBase')}
    return shared.level * 10
  }),
  globbed: cached(async () => {
    ${log('globbed')}
    return Object.keys(parts).length
  }),
  dated: cached(async () => {
    ${log('dated')}
    return new Date(Date.UTC(2024, 0, 1, 23)).toLocaleDateString('en-US')
  }),
  perTest: cached(async ({ task }) => {
    ${log('perTest')}
    return task.name
  }),
})

export { unrelatedLocal }
`,
  'test/all.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'

test('every fixture', ({ aliased, chained, classy, computed, constant, dated, defined, dynamic, envSeed, filesIn, fromBase, globbed, json, keyed, local, perTest, pkg, stats, withConfig, words }) => {
  expect([aliased, chained, classy, computed, constant, dated, defined, dynamic, envSeed, filesIn, fromBase, globbed, json, keyed, local, perTest, pkg, stats, withConfig, words]).toHaveLength(20)
  expect(perTest).toBe(expect.getState().currentTestName)
})
`,
  'test/mocked.test.ts': `
import { expect, vi } from 'vitest'
import { unrelated } from '../src/unrelated'
import { test } from './fixtures'

vi.mock('../src/unrelated', () => ({ unrelated: 'mocked' }))

test('a mocked module beside a cached fixture', ({ words }) => {
  expect(unrelated).toBe('mocked')
  expect(words.length).toBeGreaterThan(0)
})
`,
}
