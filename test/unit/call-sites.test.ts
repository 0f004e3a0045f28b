import { describe, expect, it } from 'vitest'
import { findCallSites } from '../../src/node/fingerprint/call-sites.js'
import { injectCallSites } from '../../src/node/inject-call-sites.js'

const IMPORT = `import { cached } from 'vitest-fixture-cache'\n`

function sitesOf(body: string) {
  return findCallSites(IMPORT + body, 'test/fixtures.ts').map(found => found.site)
}

function factoryDigest(source: string): string | undefined {
  return sitesOf(`test.extend({ corpus: cached(${source}) })`)[0]?.factory
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

describe('factory digest', () => {
  const base = `async ({ words }) => { const list = words.map(w => w.trim()); return { list, n: 'x' } }`

  it('ignores comments, whitespace, quotes style, semicolons, parentheses and trailing commas', () => {
    const reformatted = `async ({ words, }) => {
      // trim every word
      const list = (words.map((w) => w.trim()));
      /* done */ return { list, n: "x", };
    }`
    expect(factoryDigest(reformatted)).toBe(factoryDigest(base))
  })

  it('changes with any change of behaviour', () => {
    const variants = [
      base.replace(`'x'`, `'y'`),
      base.replace('trim', 'trimStart'),
      base.replace('{ words }', '{ words, seed }'),
      base.replace('async ', ''),
      base.replace('{ list, n', '{ n: list, list'),
      base.replace(`w.trim()`, `w.trim() + 1`),
    ]
    const digests = new Set([factoryDigest(base), ...variants.map(factoryDigest)])
    expect(digests.size).toBe(variants.length + 1)
  })

  it('distinguishes numbers, bigints and regular expressions by value, not spelling', () => {
    expect(factoryDigest('() => 1000')).toBe(factoryDigest('() => 1e3'))
    expect(factoryDigest('() => 10n')).not.toBe(factoryDigest('() => 10'))
    expect(factoryDigest('() => /a/g')).not.toBe(factoryDigest('() => /a/i'))
  })

  it('reads a factory declared in the same module, and leaves an imported one to the runtime', () => {
    const [local] = sitesOf(`function build() { return 1 }\ntest.extend({ a: cached(build) })`)
    const [inline] = sitesOf(`test.extend({ a: cached(function build() { return 1 }) })`)
    expect(local?.factory).toBeDefined()
    expect(local?.factory).not.toBe(inline?.factory)
    expect(findCallSites(`import { build } from './build'\n${IMPORT}test.extend({ a: cached(build) })`, 'f.js')[0]?.site.factory).toBeUndefined()
  })
})

describe('injection', () => {
  it('adds the call site as a third argument and keeps the rest of the code intact', () => {
    const code = `${IMPORT}test.extend({ a: cached(() => 1), b: cached(() => 2, { scope: 'file' }) })`
    const output = injectCallSites(code, 'test/f.ts')!.code
    expect(output).toContain(`cached(() => 1, undefined, {"name":"a","file":"test/f.ts","occurrence":0,`)
    expect(output).toContain(`cached(() => 2, { scope: 'file' }, {"name":"b"`)
  })

  it('leaves modules without the package alone', () => {
    expect(injectCallSites(`const cached = () => 1; cached(() => 2)`, 'f.js')).toBeUndefined()
  })
})
