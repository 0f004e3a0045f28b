import { describe, expect, it } from 'vitest'
import { findUnfaithfulPart } from '../../src/runtime/value-check.js'

describe('findUnfaithfulPart', () => {
  it('accepts what node:v8 carries faithfully, cycles included', () => {
    const cycle: Record<string, unknown> = { n: 1 }
    cycle.self = cycle
    const value = {
      map: new Map([[{ k: 1 }, new Set([1n])]]),
      date: new Date(),
      bytes: new Uint16Array(2),
      buffer: Buffer.from('x'),
      error: new TypeError('t'),
      nothing: null,
      boxed: Object(1),
      bare: Object.create(null),
      cycle,
    }
    expect(findUnfaithfulPart(value, 'v')).toBeUndefined()
  })

  it('names the path to a function, a symbol, a symbol key or a class instance', () => {
    class Parser {}
    expect(findUnfaithfulPart({ items: [0, { parse: () => 1 }] }, 'corpus')).toBe('corpus.items[1].parse is a function')
    expect(findUnfaithfulPart(new Map([['k', Symbol('s')]]), 'm')).toBe('m.get("k") is a symbol')
    expect(findUnfaithfulPart(new Set([0, new Parser()]), 's')).toBe('s.values()[1] is an instance of Parser, which would come back as a plain object')
    expect(findUnfaithfulPart({ 'odd key': { [Symbol('x')]: 1 } }, 'o')).toBe('o["odd key"] has a symbol-keyed property, which would be lost')
    expect(findUnfaithfulPart(new Map([[new Parser(), 1]]), 'm')).toBe('m.keys()[0] is an instance of Parser, which would come back as a plain object')
    expect(findUnfaithfulPart(Promise.resolve(), 'p')).toBe('p is an instance of Promise, which would come back as a plain object')
  })

  it('walks a deep chain without overflowing the stack', () => {
    let chain: Record<string, unknown> = { end: true }
    for (let depth = 0; depth < 100_000; depth++) chain = { next: chain }
    expect(findUnfaithfulPart(chain, 'chain')).toBeUndefined()
  })
})
