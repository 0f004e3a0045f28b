import type { AnyNode } from 'acorn'
import { describe, expect, it } from 'vitest'
import { parseModule } from '../../src/node/fingerprint/module-facts.js'
import { canonicalCode } from '../../src/node/fingerprint/normalize.js'

function canonical(source: string): string {
  return canonicalCode(parseModule(`(${source})`).body[0] as AnyNode)
}

describe('canonicalCode', () => {
  const base = `async ({ words }) => { const list = words.map(w => w.trim()); return { list, n: 'x' } }`

  it('ignores comments, whitespace, quote style, semicolons, parentheses and trailing commas', () => {
    const reformatted = `async ({ words, }) => {
      // trim every word
      const list = (words.map((w) => w.trim()));
      /* done */ return { list, n: "x", };
    }`
    expect(canonical(reformatted)).toBe(canonical(base))
  })

  it('changes with any change of behaviour', () => {
    const variants = [
      base.replace(`'x'`, `'y'`),
      base.replace('trim', 'trimStart'),
      base.replace('{ words }', '{ words, seed }'),
      base.replace('{ words }', '{ words = [] }'),
      base.replace('async ', ''),
      base.replace('{ list, n', '{ n: list, list'),
      base.replace('w.trim()', 'w.trim() + 1'),
      base.replace('w.trim()', 'w.trim() - 1'),
      base.replace(`const list = words.map(w => w.trim()); return { list, n: 'x' }`, `return { list: words, n: 'x' }`),
    ]
    const forms = new Set([canonical(base), ...variants.map(canonical)])
    expect(forms.size).toBe(variants.length + 1)
  })

  it('compares numbers, bigints and regular expressions by value, not spelling', () => {
    expect(canonical('() => 1000')).toBe(canonical('() => 1e3'))
    expect(canonical('() => 0x10')).toBe(canonical('() => 16'))
    expect(canonical('() => 10n')).not.toBe(canonical('() => 10'))
    expect(canonical('() => /a/g')).not.toBe(canonical('() => /a/i'))
    expect(canonical('() => `a${1}`')).not.toBe(canonical('() => `b${1}`'))
  })

  it('keeps statement order', () => {
    expect(canonical('() => { a(); b() }')).not.toBe(canonical('() => { b(); a() }'))
  })
})
