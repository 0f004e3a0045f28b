// The same factory builds a different value in a different context: mocks, the test environment,
// setup files, the project's folder. Each file must get the value a fresh build there gives.
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const log = (name: string): string => `appendFileSync('builds.log', '${name}\\n')`

it('keeps a value built under a mock of a module the factory reaches apart from the unmocked one, in either order', async () => {
  const project = Project.create({
    'src/rng.ts': `export const next = (seed: number) => (seed * 919) % 1000\n`,
    'src/corpus.ts': `import { next } from './rng'\nexport const corpus = () => [0, 1, 2, 3, 4].map(next)\n`,
    'src/unrelated.ts': `export const unrelated = () => 'real'\n`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { corpus } from '../src/corpus'
export const test = base.extend({
  corpus: cached(async () => {
    ${log('corpus')}
    return corpus()
  }),
})
`,
    'test/mocked.test.ts': `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
vi.mock('../src/rng', () => ({ next: () => 0 }))
test('mocked', ({ corpus }) => { expect(corpus).toEqual([0, 0, 0, 0, 0]) })
`,
    'test/real.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('real', ({ corpus }) => { expect(corpus).toEqual([0, 919, 838, 757, 676]) })
`,
    'test/unrelated-mock.test.ts': `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
vi.mock('../src/unrelated', () => ({ unrelated: () => 'mocked' }))
test('a mock the factory does not reach changes nothing', ({ corpus }) => { expect(corpus).toEqual([0, 919, 838, 757, 676]) })
`,
  })
  // Mocked first, then everything; then the other order on a fresh cache; then warm.
  await runOk(project, ['test/mocked.test.ts'])
  await runOk(project)
  await runOk(project)
  rmSync(join(project.dir, 'node_modules/.cache'), { recursive: true })
  await runOk(project, ['test/real.test.ts'])
  await runOk(project)
  await runOk(project)
  // The real value is built once per cold cache and reused; the mocked one is built in every run
  // that mocks (a mock factory may close over the test file, so its value is never stored).
  expect(project.takeBuilds()).toHaveLength(7)
})

it('keeps a value built under a mock of a Node builtin (node:fs, as memfs would be) apart from the real one, in either spelling', async () => {
  const project = Project.create({
    'data/words.txt': 'real words',
    'test/fixtures.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  words: cached(async () => {
    ${log('words')}
    return readFileSync('data/words.txt', 'utf8')
  }),
})
`,
    'test/memory.test.ts': `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
vi.mock('node:fs', async importOriginal => ({ ...await importOriginal<typeof import('node:fs')>(), readFileSync: () => 'words in memory' }))
test('in memory', ({ words }) => { expect(words).toBe('words in memory') })
`,
    'test/unprefixed.test.ts': `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
vi.mock('fs', async importOriginal => ({ ...await importOriginal<typeof import('node:fs')>(), readFileSync: () => 'words in memory' }))
test('in memory', ({ words }) => { expect(words).toBe('words in memory') })
`,
    'test/real.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('on disk', ({ words }) => { expect(words).toBe('real words') })
`,
  })
  await runOk(project, ['test/memory.test.ts'])
  expect(project.takeBuilds()).toEqual(['words'])
  // The real value is built once and reused; each file that mocks builds its own, never stored.
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['words', 'words', 'words'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['words', 'words'])
})

it('keys a factory that receives task on its test: each test gets its own value, on every run', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, describe, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  label: cached(async ({ task }) => {
    ${log('label')}
    return \`made for \${task.suite?.name ?? ''}/\${task.name}\`
  }),
})
test('first', ({ label }) => { expect(label).toBe('made for /first') })
test('second', ({ label }) => { expect(label).toBe('made for /second') })
describe('group', () => {
  test('first', ({ label }) => { expect(label).toBe('made for group/first') })
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toHaveLength(3)
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('keys on what the factory uses around its call: a describe.each parameter, a parameter of a function that makes fixtures, a helper declared in a describe', async () => {
  const project = Project.create({
    'test/each.test.ts': `
import { appendFileSync } from 'node:fs'
import { beforeAll, describe, expect, test } from 'vitest'
import { cachedValue } from 'vitest-fixture-cache'
describe.each(['en', 'de'])('%s', (language) => {
  let corpus: string
  beforeAll(async () => {
    corpus = await cachedValue('corpus', async () => {
      ${log('corpus')}
      return \`corpus of \${language}\`
    })
  })
  test('corpus', () => { expect(corpus).toBe(\`corpus of \${language}\`) })
})
`,
    'test/made.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, describe, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
function fixturesFor(size: number) {
  return base.extend({
    sized: cached(async () => {
      ${log('sized')}
      return Array.from({ length: size }, (_, index) => index)
    }),
  })
}
for (const size of [1, 2]) {
  fixturesFor(size)(\`sized \${size}\`, ({ sized }) => { expect(sized).toHaveLength(size) })
}
describe('a helper declared in a describe', () => {
  const shout = (text: string) => text.toUpperCase()
  const test = base.extend({
    loud: cached(async () => {
      ${log('loud')}
      return shout('hey')
    }),
  })
  test('loud', ({ loud }) => { expect(loud).toBe(shout('hey')) })
})
describe('a variable that is not data', () => {
  const connection = { query: () => 42 }
  const test = base.extend({
    answer: cached(async () => {
      ${log('answer')}
      return connection.query()
    }),
  })
  test('answer', ({ answer }) => { expect(answer).toBe(42) })
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['answer', 'corpus', 'corpus', 'loud', 'sized', 'sized'])
  const warm = await runOk(project)
  // A value built from a variable that is not data is never stored, and the summary says why.
  expect(warm.output).toContain('not stored: the factory reads connection, a variable around the call that is not data')
  expect(project.takeBuilds()).toEqual(['answer'])
  project.edit('test/made.test.ts', 'text.toUpperCase()', 'text.toUpperCase() + \'!\'')
  const edited = await runOk(project)
  expect(edited.output).toMatch(/loud: factory changed/)
  expect(project.takeBuilds()).toEqual(['answer', 'loud'])
})

it('keys on the test environment', async () => {
  const fixtures = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  where: cached(async () => {
    ${log('where')}
    return typeof document === 'undefined' ? 'node' : 'dom'
  }),
})
`
  const project = Project.create({
    'test/fixtures.ts': fixtures,
    'test/dom.test.ts': `// @vitest-environment happy-dom\nimport { expect } from 'vitest'\nimport { test } from './fixtures'\ntest('dom', ({ where }) => { expect(where).toBe('dom') })\n`,
    'test/node.test.ts': `import { expect } from 'vitest'\nimport { test } from './fixtures'\ntest('node', ({ where }) => { expect(where).toBe('node') })\n`,
  })
  await runOk(project, ['test/dom.test.ts'])
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['where', 'where'])
})

it('keys on the test environment\'s options', async () => {
  const config = (url: string) => `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { environment: 'happy-dom', environmentOptions: { happyDOM: { url: '${url}' } } } })
`
  const project = Project.create({
    'vitest.config.ts': config('http://one.test/'),
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  href: cached(async () => {
    ${log('href')}
    return location.href
  }),
})
test('href', ({ href }) => { expect(href).toBe(location.href) })
`,
  })
  await runOk(project)
  project.write('vitest.config.ts', config('http://two.test/'))
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['href', 'href'])
})

it('rebuilds when a setup file changes what the factory sees', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { setupFiles: ['test/setup.ts'] } })
`,
    'test/setup.ts': `(globalThis as any).SCALE = 2\n`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  scaled: cached(async () => {
    ${log('scaled')}
    return (globalThis as any).SCALE * 21
  }),
})
test('scaled', ({ scaled }) => { expect(scaled).toBe((globalThis as any).SCALE * 21) })
`,
  })
  await runOk(project)
  project.edit('test/setup.ts', '= 2', '= 3')
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['scaled', 'scaled'])
})

it('keys on the globals the factory reads that a test file set (an assignment, vi.stubGlobal), in either order', async () => {
  const uses = (scale: string, setGlobal: string) => `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
${setGlobal}
test('scaled', ({ scaled, named }) => {
  expect(scaled).toBe(${scale} * 21)
  expect(named).toBe('scale ${scale}')
})
`
  const project = Project.create({
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
declare const SCALE: number
export const test = base.extend({
  scaled: cached(async () => {
    ${log('scaled')}
    return (globalThis as any).SCALE * 21
  }),
  named: cached(async () => {
    ${log('named')}
    return \`scale \${SCALE}\`
  }),
})
`,
    'test/two.test.ts': uses('2', `(globalThis as any).SCALE = 2`),
    'test/three.test.ts': uses('3', `vi.stubGlobal('SCALE', 3)`),
  })
  await runOk(project, ['test/two.test.ts'])
  await runOk(project, ['test/three.test.ts'])
  await runOk(project)
  expect(project.takeBuilds().sort()).toEqual(['named', 'named', 'scaled', 'scaled'])
})

it('keeps a value out of the cache when the factory reads a global the test file replaced with something that is not data (a fetch mock, a client), and says why', async () => {
  const project = Project.create({
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
declare const client: { rows: () => number[] } | undefined
export const test = base.extend({
  payload: cached(async () => {
    ${log('payload')}
    return (await fetch('data:,real%20payload')).text()
  }),
  rows: cached(async () => {
    ${log('rows')}
    return typeof client === 'undefined' ? [] : client.rows()
  }),
})
`,
    'test/mocked.test.ts': `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
vi.stubGlobal('fetch', async () => new Response('mocked payload'))
;(globalThis as any).client = { rows: () => [1, 2, 3] }
test('mocked', ({ payload, rows }) => {
  expect(payload).toBe('mocked payload')
  expect(rows).toEqual([1, 2, 3])
})
`,
    'test/real.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('real', ({ payload, rows }) => {
  expect(payload).toBe('real payload')
  expect(rows).toEqual([])
})
`,
  })
  const first = await runOk(project, ['test/mocked.test.ts'])
  expect(first.output).toContain('not stored: the factory reads the global fetch, set by the test file, and it is not data')
  expect(first.output).toContain('not stored: the factory reads the global client, set by the test file, and it is not data')
  await runOk(project, ['test/real.test.ts'])
  await runOk(project)
  expect(project.takeBuilds().sort()).toEqual(['payload', 'payload', 'payload', 'rows', 'rows', 'rows'])
  // The real values were stored: only the mocked file builds again.
  await runOk(project)
  expect(project.takeBuilds().sort()).toEqual(['payload', 'rows'])
})

it('keeps a value built under a spy on what the factory reaches (vi.spyOn on Math, on crypto, on an object a module exports) out of the cache; a spy on console changes nothing', async () => {
  const project = Project.create({
    'src/rng.ts': `export const rng = { next: () => 1 + Math.floor(Math.random() * 1000) }\n`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { rng } from '../src/rng'
export const test = base.extend({
  roll: cached(async () => {
    ${log('roll')}
    return Math.random() < 1 ? 'real' : 'spied'
  }),
  next: cached(async () => {
    ${log('next')}
    return rng.next() > 0 ? 'positive' : 'spied'
  }),
  // (The crypto global is one Node makes on first use: a getter.)
  uuid: cached(async () => {
    ${log('uuid')}
    return crypto.randomUUID().startsWith('spied') ? 'spied' : 'real'
  }),
  quiet: cached(async () => {
    ${log('quiet')}
    console.log('building quiet')
    return 'quiet'
  }),
})
`,
    'test/spied.test.ts': `
import { expect, vi } from 'vitest'
import { test } from './fixtures'
import { rng } from '../src/rng'
vi.spyOn(Math, 'random').mockReturnValue(1)
vi.spyOn(rng, 'next').mockReturnValue(-1)
vi.spyOn(console, 'log').mockImplementation(() => {})
vi.spyOn(crypto, 'randomUUID').mockReturnValue('spied-0000-0000-0000-000000000000')
test('spied', ({ roll, next, uuid, quiet }) => {
  expect(uuid).toBe('spied')
  expect(roll).toBe('spied')
  expect(next).toBe('spied')
  expect(quiet).toBe('quiet')
})
`,
    'test/real.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('real', ({ roll, next, uuid }) => {
  expect(uuid).toBe('real')
  expect(roll).toBe('real')
  expect(next).toBe('positive')
})
`,
  })
  const first = await runOk(project, ['test/spied.test.ts'])
  expect(first.output).toContain('not stored: the test file spies on Math.random (vi.spyOn), which the factory reaches')
  // (rng.next reads Math.random too.)
  expect(first.output).toContain('not stored: the test file spies on Math.random, src/rng.ts rng.next (vi.spyOn), which the factory reaches')
  await runOk(project, ['test/real.test.ts'])
  expect(project.takeBuilds().sort()).toEqual(['next', 'next', 'quiet', 'roll', 'roll', 'uuid', 'uuid'])
  // The real values were stored: only the spied file builds again.
  await runOk(project)
  expect(project.takeBuilds().sort()).toEqual(['next', 'roll', 'uuid'])
})

it('keeps storing a value whose factory reads a client a setup file made after loading the package (cachedValue there)', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: { setupFiles: ['test/setup.ts'] } })
`,
    'test/setup.ts': `
import { cachedValue } from 'vitest-fixture-cache'
class Client { constructor(readonly rows: number[]) {} count() { return this.rows.length } }
const rows = await cachedValue('rows', async () => [1, 2, 3])
;(globalThis as any).client = new Client(rows)
`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
declare const client: { count: () => number }
export const test = base.extend({
  counted: cached(async () => {
    ${log('counted')}
    return client.count()
  }),
})
`,
    ...Object.fromEntries(['a', 'b'].map(name => [`test/${name}.test.ts`, `
import { expect } from 'vitest'
import { test } from './fixtures'
test('${name}', ({ counted }) => { expect(counted).toBe(3) })
`])),
  })
  await runOk(project)
  const warm = await runOk(project)
  expect(warm.output).not.toContain('not stored')
  expect(project.takeBuilds()).toEqual(['counted'])
})

it.each([
  ['each file in its own process', '{}'],
  ['files sharing one thread', `{ pool: 'threads', isolate: false }`],
])('reuses a value whose factory reads the standard globals (console, Date, timers, fetch, process, a DOM): %s', async (_, options) => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()], test: ${options} })
`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  stamp: cached(async () => {
    ${log('stamp')}
    console.log('building')
    await new Promise(resolve => setTimeout(resolve, 1))
    const kind = typeof document === 'undefined' ? 'node' : 'dom'
    return { kind, year: new Date(Date.UTC(2024, 0, 1)).getUTCFullYear(), copy: structuredClone([1]), fetches: typeof fetch, node: process.version.startsWith('v') }
  }),
})
`,
    ...Object.fromEntries(['a', 'b', 'c'].map(name => [`test/${name}.test.ts`, `
import { expect } from 'vitest'
import { test } from './fixtures'
test('${name}', ({ stamp }) => { expect(stamp).toEqual({ kind: 'node', year: 2024, copy: [1], fetches: 'function', node: true }) })
`])),
    'test/dom.test.ts': `// @vitest-environment happy-dom
import { expect } from 'vitest'
import { test } from './fixtures'
test('dom', ({ stamp }) => { expect(stamp.kind).toBe('dom') })
`,
  })
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['stamp', 'stamp'])
})

/**
 * Two projects that see one fixture module differently (Vitest 5 runs them on one Vite server):
 * `scale` is the expression the factory and the tests read; `projects` the two project entries,
 * named `one` and `two`, with files in test/one and test/two.
 */
function twoProjects(scale: string, projects: [string, string], extra: Record<string, string> = {}): Project {
  const uses = `
import { expect } from 'vitest'
import { test } from '../fixtures'
declare const __SCALE__: number
test('scaled', ({ scaled }) => { expect(scaled).toBe(${scale} * 21) })
`
  return Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({
  plugins: [fixtureCache()],
  test: { projects: [${projects.join(', ')}] },
})
`,
    'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
declare const __SCALE__: number
export const test = base.extend({
  scaled: cached(async () => {
    ${log('scaled')}
    return ${scale} * 21
  }),
})
`,
    'test/one/a.test.ts': uses,
    'test/two/b.test.ts': uses,
    ...extra,
  })
}

it.each([
  ['setup files', twoProjectsWithSetupFiles],
  ['define', twoProjectsWithDefines],
])('keeps apart the values of projects whose %s differ, in either order', async (_, make) => {
  const project = make()
  for (const only of ['--project=one', '--project=two', '--project=one']) await runOk(project, [only])
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['scaled', 'scaled'])
})

function twoProjectsWithSetupFiles(): Project {
  return twoProjects('((globalThis as any).SCALE ?? 1)', [
    `{ extends: true, test: { name: 'one', include: ['test/one/*.test.ts'] } }`,
    `{ extends: true, test: { name: 'two', include: ['test/two/*.test.ts'], setupFiles: ['test/setup.ts'] } }`,
  ], { 'test/setup.ts': `(globalThis as any).SCALE = 2\n` })
}

function twoProjectsWithDefines(): Project {
  return twoProjects('__SCALE__', [
    `{ extends: true, define: { __SCALE__: 2 }, test: { name: 'one', include: ['test/one/*.test.ts'] } }`,
    `{ extends: true, define: { __SCALE__: 3 }, test: { name: 'two', include: ['test/two/*.test.ts'] } }`,
  ])
}

it('hands out paths under the project\'s current folder after the project moved', async () => {
  const project = Project.create({
    'data/x.txt': 'x',
    'test/a.test.ts': `
import { appendFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  paths: cached(async () => {
    ${log('paths')}
    const dataFile = fileURLToPath(new URL('../data/x.txt', import.meta.url))
    return { dataFile, url: new URL('../data/x.txt', import.meta.url).href, list: [dataFile, process.cwd()] }
  }),
  binary: cached(async () => {
    ${log('binary')}
    return new Map([['dataFile', fileURLToPath(new URL('../data/x.txt', import.meta.url))]])
  }),
  command: cached(async () => {
    ${log('command')}
    return \`cd \${process.cwd()} && npm test\`
  }),
})
test('paths exist', ({ paths, binary, command }) => {
  expect(command).toBe(\`cd \${process.cwd()} && npm test\`)
  expect(existsSync(paths.dataFile)).toBe(true)
  expect(paths.dataFile).toBe(fileURLToPath(new URL('../data/x.txt', import.meta.url)))
  expect(paths.url).toBe(new URL('../data/x.txt', import.meta.url).href)
  expect(paths.list).toEqual([paths.dataFile, process.cwd()])
  expect(binary.get('dataFile')).toBe(paths.dataFile)
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['binary', 'command', 'paths'])
  // Where it has not moved, every one is reused (the folder it is tied to is this one).
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  const before = project.dir
  project.move()
  expect(existsSync(before)).toBe(false)
  await runOk(project)
  // Text values are relocated; a Map (stored by node:v8), and text where the path runs on into
  // other text, are keyed on the folder instead.
  expect(project.takeBuilds()).toEqual(['binary', 'command'])
})

it('hands out file URLs right after the project moved to and from a folder whose name a URL encodes, and never rewrites a path that only ends with the project\'s', async () => {
  const project = Project.create({ 'data/x.txt': 'x' })
  // A path written in the code, that holds the project's (first) folder after another one.
  project.write('test/mirror.ts', `export const MIRROR = ${JSON.stringify(`/mirror${project.dir}/x`)}`)
  project.write('test/a.test.ts', `
import { appendFileSync, existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { MIRROR } from './mirror'
const test = base.extend({
  where: cached(async () => {
    ${log('where')}
    const url = new URL('../data/x.txt', import.meta.url)
    return { href: url.href, path: fileURLToPath(url) }
  }),
  mirror: cached(async () => {
    ${log('mirror')}
    return { mirror: MIRROR }
  }),
})
test('paths', ({ where, mirror }) => {
  expect(where.href).toBe(new URL('../data/x.txt', import.meta.url).href)
  expect(where.path).toBe(fileURLToPath(new URL('../data/x.txt', import.meta.url)))
  expect(existsSync(where.path)).toBe(true)
  expect(mirror.mirror).toBe(MIRROR)
})
`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['mirror', 'where'])
  // Into a folder whose URL is not its path (\`%20\`, \`%C3%A9\`), and out of it again.
  project.move(' Jané Doe')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['mirror'])
  project.move('-back')
  await runOk(project)
  // The rebuilt mirror no longer holds the project's folder: nothing ties it to one.
  expect(project.takeBuilds()).toEqual([])
})
