import { describe, expect, it } from 'vitest'
import { findCallSites } from '../../src/node/fingerprint/call-sites.js'
import { injectCallSites } from '../../src/node/inject-call-sites.js'

const IMPORT = `import { cached } from 'vitest-fixture-cache'\n`

function sitesOf(body: string) {
  return findCallSites(IMPORT + body, 'test/fixtures.ts').map(found => found.site)
}

describe('fixture names', () => {
  it('reads the test.extend key in every form Vitest accepts', () => {
    const names = sitesOf(`
      test.extend({ a: cached(() => 1), 'b-c': cached(() => 2), d: [cached(() => 3), { scope: 'file' }] })
      test.extend('e', cached(() => 4)).extend('f', { scope: 'worker' }, cached(() => 5))
      test.override('g', cached(() => 6))
    `).map(site => site.name)
    expect(names).toEqual(['a', 'b-c', 'd', 'e', 'f', 'g'])
  })

  it('reads cachedValue()\'s name from its first argument, and its factory from its second', () => {
    const found = findCallSites(`import { cachedValue } from 'vitest-fixture-cache'
      const dump = await cachedValue('dump', async () => 1)
      beforeAll(async () => { rows = await cachedValue('rows', load, { key: 'v1' }) })
      const computed = await cachedValue(name, async () => 2)
    `, 'test/a.test.ts')
    expect(found.map(({ site, entry }) => [entry, site.name])).toEqual([['cachedValue', 'dump'], ['cachedValue', 'rows'], ['cachedValue', undefined]])
    const injected = injectCallSites(`import { cachedValue } from 'vitest-fixture-cache'\nconst dump = await cachedValue('dump', async () => 1)\n`, 'test/a.test.ts')!.code
    expect(injected).toContain(`cachedValue('dump', async () => 1, undefined, {"name":"dump","file":"test/a.test.ts","occurrence":0,"deps":[]`)
  })

  it('reads cachedDir() in both shapes: a fixture without `dir` among its fixtures, and the named twin', () => {
    const found = findCallSites(`import { cachedDir } from 'vitest-fixture-cache'
      test.extend({ repo: cachedDir(async ({ dir, corpus }) => fill(dir, corpus)) })
      const copy = await cachedDir('seeded', async ({ dir }) => fill(dir), { key: 'v1' })
    `, 'test/a.test.ts')
    expect(found.map(({ site }) => [site.name, site.deps])).toEqual([['repo', ['corpus']], ['seeded', []]])
    const injected = injectCallSites(`import { cachedDir } from 'vitest-fixture-cache'\nconst copy = await cachedDir('seeded', async ({ dir }) => 1)\n`, 'test/a.test.ts')!.code
    expect(injected).toContain(`cachedDir('seeded', async ({ dir }) => 1, undefined, {"name":"seeded","file":"test/a.test.ts","occurrence":0,"deps":[]`)
  })

  it('follows a variable to the single key it is used under', () => {
    const names = sitesOf(`
      const corpusFixture = cached(() => 1)
      const twice = cached(() => 2)
      test.extend({ corpus: corpusFixture, one: twice })
      test.extend({ two: twice })
      const unused = cached(() => 3)
    `).map(site => site.name)
    expect(names).toEqual(['corpus', undefined, undefined])
  })

  it('sees renamed and namespace imports, and nothing without an import', () => {
    expect(findCallSites(`import { cached as c } from 'vitest-fixture-cache'\ntest.extend({ x: c(() => 1) })`, 'f.js')[0]?.site.name).toBe('x')
    expect(findCallSites(`import * as vfc from 'vitest-fixture-cache'\ntest.extend({ y: vfc.cached(() => 1) })`, 'f.js')[0]?.site.name).toBe('y')
    expect(findCallSites(`test.extend({ z: cached(() => 1) })`, 'f.js')).toEqual([])
  })

  it('lists the fixtures the factory destructures', () => {
    expect(sitesOf(`test.extend({ c: cached(async ({ words, config: { size }, seed = 1 }) => 1) })`)[0]?.deps)
      .toEqual(['words', 'config', 'seed'])
  })
})

describe('injection', () => {
  it('finds what a factory uses around its call: variables by name, helpers by their code; not module bindings, globals or its own parameters', () => {
    const found = findCallSites(`import { cached, cachedValue } from 'vitest-fixture-cache'
      const LIMIT = 3
      describe.each(['en'])('%s', (language) => {
        const shout = (text) => text.toUpperCase() + suffix
        function load(name) { return [name, language] }
        let rows, suffix = '!'
        for (const size of [1, 2]) {
          beforeAll(async () => { rows = await cachedValue('rows', async () => load(shout('x')).concat(size, LIMIT, Math.PI)) })
        }
        test.extend({ size: cached(async ({ size }) => size) })
        try {} catch (error) { cachedValue('failed', () => String(error)) }
      })
      test.extend({ plain: cached(async () => LIMIT) })
    `, 'test/a.test.ts')
    const closures = Object.fromEntries(found.map(({ site, closure }) => [site.name, { variables: closure.variables, helpers: closure.helpers.length }]))
    expect(closures).toEqual({
      rows: { variables: ['language', 'size', 'suffix'], helpers: 2 },
      size: { variables: [], helpers: 0 },
      failed: { variables: ['error'], helpers: 0 },
      plain: { variables: [], helpers: 0 },
    })
    const injected = injectCallSites(`import { cachedValue } from 'vitest-fixture-cache'\nfor (const size of [1]) cachedValue('n', () => size)\n`, 'test/a.test.ts')!.code
    expect(injected).toContain(`"closure": () => ({ size })}`)
  })

  it('reads a module variable that holds a cached value by its value: declared or assigned from cachedValue(), directly or through the module\'s helpers', () => {
    const found = findCallSites(`import { cached, cachedValue, cachedDir } from 'vitest-fixture-cache'
      const load = () => cachedValue('words', async () => ['a'])
      async function loadTwice() { return [...await load(), ...await load()] }
      const words = await load()
      const both = await loadTwice()
      const repo = await cachedDir('repo', async ({ dir }) => {})
      const LIMIT = 3
      let later
      beforeAll(async () => { later = await loadTwice() })
      test.extend({ index: cached(async () => [words, both, repo, later, LIMIT]) })
    `, 'test/a.test.ts')
    expect(found.find(({ site }) => site.name === 'index')?.closure.variables).toEqual(['both', 'later', 'repo', 'words'])
  })

  it('adds the call site as a third argument and keeps the rest of the code intact', () => {
    const code = `${IMPORT}test.extend({ a: cached(() => 1), b: cached(() => 2, { scope: 'file' }) })`
    const output = injectCallSites(code, 'test/f.ts')!.code
    expect(output).toContain(`cached(() => 1, undefined, {"name":"a","file":"test/f.ts","occurrence":0,"deps":[], "fingerprint": __vitestFixtureCacheFingerprint})`)
    expect(output).toContain(`cached(() => 2, { scope: 'file' }, {"name":"b","file":"test/f.ts","occurrence":0,"deps":[], "fingerprint": __vitestFixtureCacheFingerprint})`)
    // One request function for the module, after its code: every line keeps its place.
    expect(output.split('\n')).toHaveLength(code.split('\n').length + 2)
    expect(output.match(/import\(/g)).toHaveLength(1)
    expect(output.endsWith(`\nfunction __vitestFixtureCacheFingerprint(run) { return import(/* @vite-ignore */ "virtual:vitest-fixture-cache/fingerprint?file=test%2Ff.ts&run=" + run) }\n`)).toBe(true)
  })

  it('keeps Vite\'s source map when each insertion is followed on its line only by closing punctuation or a comment', () => {
    const ownLines = `${IMPORT}test.extend({\n  a: cached(() => 1), // words\n  b: cached(async () => {\n    return 2\n  }, { scope: 'file' }) })\n`
    expect(injectCallSites(ownLines, 'test/f.ts')!.map).toBeNull()
    // Here the insertion into \`a\` moves \`b\`'s code: a map says where it went.
    const oneLine = `${IMPORT}test.extend({ a: cached(() => 1), b: cached(() => 2) })\n`
    expect(injectCallSites(oneLine, 'test/f.ts')!.map).toMatchObject({ mappings: expect.any(String) })
  })

  it('leaves alone a module it cannot parse, rather than breaking it', () => {
    expect(injectCallSites(`${IMPORT}const view = <div>{cached(() => 1)}</div>`, 'f.jsx')).toBeUndefined()
  })

  it('leaves modules without the package alone', () => {
    expect(injectCallSites(`const cached = () => 1; cached(() => 2)`, 'f.js')).toBeUndefined()
  })
})
