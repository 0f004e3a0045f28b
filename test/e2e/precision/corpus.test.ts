import { beforeAll, describe, expect, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'
import { BASE_FILES, FIXTURE_NAMES } from './base-project.js'

interface EditCase {
  title: string
  edit?: (project: Project) => void
  args?: string[]
  env?: Record<string, string>
  /** Exactly these rebuild; every other fixture is reused. */
  rebuilds: string[]
}

const CASES: EditCase[] = [
  // The factory's own code
  { title: 'a literal in the factory', edit: p => p.edit('test/fixtures.ts', `.slice(0, 3)`, `.slice(0, 2)`), rebuilds: ['words', 'chained'] },
  { title: 'an operator in the factory', edit: p => p.edit('test/fixtures.ts', `config.size * 2`, `config.size + 2`), rebuilds: ['withConfig'] },
  { title: 'statement order in the factory', edit: p => p.edit('test/fixtures.ts', `${'    '}const { lazyValue } = await import('../src/lazy')\n`, '').edit('test/fixtures.ts', `    appendFileSync('builds.log', 'dynamic\\n')\n`, `    const { lazyValue } = await import('../src/lazy')\n    appendFileSync('builds.log', 'dynamic\\n')\n`), rebuilds: ['dynamic'] },
  { title: 'a comment in the factory', edit: p => p.edit('test/fixtures.ts', `return { mean: mean([1, 2, 3]) }`, `// the mean of three\n    return { mean: mean([1, 2, 3]) } /* done */`), rebuilds: [] },
  { title: 'formatting of the factory', edit: p => p.edit('test/fixtures.ts', `return { mean: mean([1, 2, 3]) }`, `return {mean: mean([ 1,2,3, ]),};`), rebuilds: [] },
  { title: 'a type annotation in the factory', edit: p => p.edit('test/fixtures.ts', `return localHelper(3)`, `return localHelper(3 as number) satisfies number`), rebuilds: [] },
  // Same-module bindings
  { title: 'a same-module helper', edit: p => p.edit('test/fixtures.ts', `return square(value) + 1`, `return square(value) + 2`), rebuilds: ['local'] },
  { title: 'a helper of a same-module helper', edit: p => p.edit('test/fixtures.ts', `return value * value`, `return value ** 3`), rebuilds: ['local'] },
  { title: 'a same-module constant', edit: p => p.edit('test/fixtures.ts', `process.env.LIMIT ?? 10`, `process.env.LIMIT ?? 11`), rebuilds: ['constant'] },
  { title: 'an env var a same-module constant reads at import', env: { LIMIT: '12' }, rebuilds: ['constant'] },
  { title: 'a same-module function no fixture uses', edit: p => p.edit('test/fixtures.ts', `'not used by any fixture'`, `'still not used'`), rebuilds: [] },
  // Local modules, transitively (these edits leave the words as they were: `chained`, built on
  // their value, is reused)
  { title: 'an imported helper reached through export *', edit: p => p.edit('src/text.ts', `.filter(Boolean)`, `.filter(word => word.length > 1)`), rebuilds: ['words'] },
  { title: 'a private helper of an imported helper', edit: p => p.edit('src/text.ts', `text.toLowerCase()`, `text.toLocaleLowerCase()`), rebuilds: ['words'] },
  { title: 'a default parameter of an imported helper', edit: p => p.edit('src/text.ts', `separator = /\\s+/`, `separator = / /`), rebuilds: ['words'] },
  { title: 'an export no fixture reaches', edit: p => p.edit('src/text.ts', `return 1`, `return 2`), rebuilds: [] },
  { title: 'an unused constant beside a used helper', edit: p => p.edit('src/text.ts', `['the', 'a']`, `['the', 'an']`), rebuilds: [] },
  { title: 'comments and types in an imported module', edit: p => p.edit('src/text.ts', `function lower(text: string): string {`, `/** lower-cases */\nfunction lower(text: string) {`), rebuilds: [] },
  { title: 'a helper reached through export { x } from', edit: p => p.edit('src/stats.ts', `, 0) / values.length`, `, 0) / Math.max(values.length, 1)`), rebuilds: ['stats'] },
  { title: 'a sibling export of a re-exported helper', edit: p => p.edit('src/stats.ts', `Math.floor(values.length / 2)`, `Math.ceil(values.length / 2)`), rebuilds: [] },
  { title: 'a dynamically imported module', edit: p => p.edit('src/lazy.ts', `'lazy'`, `'lazier'`), rebuilds: ['dynamic'] },
  { title: 'a comment in a dynamically imported module', edit: p => p.edit('src/lazy.ts', `return 'lazy'`, `// the value\n  return 'lazy'`), rebuilds: [] },
  { title: 'a module imported by a path computed at run time', edit: p => p.edit('data/shape.ts', 'sides = 4', 'sides = 5'), rebuilds: ['computed'] },
  { title: 'an imported JSON file', edit: p => p.write('data/words.json', '["alpha", "beta"]'), rebuilds: ['json'] },
  { title: 'a new file an import.meta.glob matches', edit: p => p.write('data/parts/b.json', '{ "part": "b" }'), rebuilds: ['globbed'] },
  { title: 'a file an import.meta.glob matches', edit: p => p.write('data/parts/a.json', '{ "part": "A" }'), rebuilds: ['globbed'] },
  { title: 'a method of an imported class', edit: p => p.edit('src/counter.ts', `return items.length`, `return new Set(items).size`), rebuilds: ['classy'] },
  // Packages: the installed version, not the code
  { title: 'a package version', edit: p => p.edit('node_modules/tiny-lib/package.json', `"version":"1.0.0"`, `"version":"1.1.0"`), rebuilds: ['pkg'] },
  // Upstream fixtures (Merkle chain)
  { title: 'an upstream cached fixture', edit: p => p.edit('test/fixtures.ts', `tokenize('The quick brown fox')`, `tokenize('The slow brown fox')`), rebuilds: ['words', 'chained'] },
  { title: 'only the downstream fixture', edit: p => p.edit('test/fixtures.ts', `return words.length`, `return words.join('').length`), rebuilds: ['chained'] },
  { title: 'a plain fixture a cached one depends on', edit: p => p.edit('test/fixtures.ts', `config: { size: 2 }`, `config: { size: 3 }`), rebuilds: ['withConfig'] },
  { title: 'a plain fixture defined in the imported base test', edit: p => p.edit('test/base.ts', `shared: { level: 1 }`, `shared: { level: 2 }`), rebuilds: ['fromBase'] },
  { title: 'another fixture of the imported base test', edit: p => p.edit('test/base.ts', `unrelatedShared: { level: 1 }`, `unrelatedShared: { level: 2 }`), rebuilds: [] },
  // Config: aliases and define
  { title: 'the module an alias points to', edit: p => p.edit('lib-a/alias.ts', `'from lib-a'`, `'from lib-a, edited'`), rebuilds: ['aliased'] },
  { title: 'an alias pointed elsewhere', edit: p => p.edit('vitest.config.ts', `'./lib-a'`, `'./lib-b'`), rebuilds: ['aliased'] },
  { title: 'a define value', edit: p => p.edit('vitest.config.ts', `JSON.stringify('vanilla')`, `JSON.stringify('chocolate')`), rebuilds: ['defined'] },
  // Declared inputs
  // The machine, where a factory used it
  { title: 'the time zone', env: { TZ: 'Asia/Tokyo' }, rebuilds: ['dated'] },
  { title: 'an env variable', env: { SEED: '42' }, rebuilds: ['envSeed'] },
  { title: 'a declared file', edit: p => p.write('data/notes.txt', 'second note\n'), rebuilds: ['filesIn'] },
  { title: 'a new file matching a declared glob', edit: p => p.write('data/more.txt', 'more\n'), rebuilds: ['filesIn'] },
  { title: 'the key option', edit: p => p.edit('test/fixtures.ts', `{ key: 'v1' }`, `{ key: 'v2' }`), rebuilds: ['keyed'] },
  // The test itself, for a factory that receives \`task\`
  { title: 'the name of the test a factory that receives task builds for', edit: p => p.edit('test/all.test.ts', `test('every fixture'`, `test('every fixture, renamed'`), rebuilds: ['perTest'] },
  { title: 'the name of a test whose fixtures do not receive task', edit: p => p.edit('test/mocked.test.ts', `'a mocked module beside a cached fixture'`, `'a mocked module beside a cached fixture, renamed'`), rebuilds: [] },
  // What never counts
  { title: 'the test files that use the fixtures', edit: p => p.append('test/all.test.ts', `\ntest('one more', () => { expect(1).toBe(1) })\n`), rebuilds: [] },
  { title: 'a vi.mock factory in a test file', edit: p => p.edit('test/mocked.test.ts', `unrelated: 'mocked' }`, `unrelated: 'mocked', extra: 1 }`), rebuilds: [] },
  { title: 'coverage with v8', args: ['--coverage.enabled', '--coverage.provider=v8', '--coverage.reporter=json'], rebuilds: [] },
  { title: 'coverage with istanbul', args: ['--coverage.enabled', '--coverage.provider=istanbul', '--coverage.reporter=json'], rebuilds: [] },
  { title: 'the number of workers and the pool', args: ['--pool=threads', '--maxWorkers=1'], rebuilds: [] },
  { title: 'moving the project to another folder', edit: p => p.move(), rebuilds: [] },
]

let base: Project

beforeAll(async () => {
  base = Project.create(BASE_FILES)
  await runOk(base)
  expect(base.takeBuilds()).toEqual(FIXTURE_NAMES)
})

describe.concurrent('precision: exactly the fixtures whose inputs changed are rebuilt', () => {
  for (const { title, edit, args = [], env = {}, rebuilds } of CASES) {
    it(title, async () => {
      const project = base.copy()
      edit?.(project)
      await runOk(project, args, env)
      expect(project.takeBuilds()).toEqual([...rebuilds].sort())
      // And the new entries are stable: the same run again builds nothing.
      await runOk(project, args, env)
      expect(project.takeBuilds()).toEqual([])
    })
  }
})
