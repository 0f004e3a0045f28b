import { describe, expect, it } from 'vitest'
import { checkValue } from '../../src/runtime/value-check.js'

const findUnfaithfulPart = (value: unknown, name: string) => checkValue(value, name).problem

describe('checkValue', () => {
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

  it('names parts of a value that share bytes (a copy would not), and lets parts side by side in one buffer pass', () => {
    const raw = Buffer.from('0123456789abcdef0123456789abcdef')
    expect(findUnfaithfulPart({ raw, header: raw.subarray(0, 4) }, 'file')).toBe('file.header shares its bytes with file.raw, which no stored copy keeps (each comes back with bytes of its own): return one of them, or a copy (`Uint8Array.from(…)`)')
    const memory = new ArrayBuffer(8)
    expect(findUnfaithfulPart([new Uint8Array(memory, 4), new Uint32Array(memory)], 'views')).toMatch(/^views\[\d\] shares its bytes with views\[\d\]/)
    expect(findUnfaithfulPart({ memory, bytes: new Uint8Array(memory, 2, 2) }, 'm')).toMatch(/shares its bytes/)
    // Buffer's pool, and slices side by side: writes through one never show in another.
    expect(findUnfaithfulPart({ a: Buffer.from('a'), b: Buffer.from('b'), left: raw.subarray(0, 8), right: raw.subarray(8, 16), none: raw.subarray(8, 8) }, 'v')).toBeUndefined()
  })

  it('walks a deep chain without overflowing the stack', () => {
    let chain: Record<string, unknown> = { end: true }
    for (let depth = 0; depth < 100_000; depth++) chain = { next: chain }
    expect(findUnfaithfulPart(chain, 'chain')).toBeUndefined()
  })
})

describe('JSON exactness', () => {
  it('is true for plain data only', () => {
    expect(checkValue({ a: [1, 'x', true, null, { b: 2.5 }] }, 'v').jsonExact).toBe(true)
    const shared = { s: 1 }
    const inexact = [new Map(), new Date(), 1n, Number.NaN, -0, [1, , 3], { u: undefined }, [shared, shared], Object.create(null), new DataView(new ArrayBuffer(1))]
    inexact.forEach((value, index) => expect(checkValue({ value }, 'v').jsonExact, `case ${index}`).toBe(false))
    // Records (plain objects of primitives) are checked where they sit: a record met twice, by either
    // walk, is still a shared reference; a symbol key or an inexact number in one still counts.
    const record = { id: 1 }
    for (const value of [{ a: record, list: [record] }, { list: [record], a: { inner: record } }, [{ n: Number.NaN }], [{ n: 1 }, { [Symbol('k')]: 1 }]])
      expect(checkValue(value, 'v').jsonExact).toBe(false)
    expect(findUnfaithfulPart({ rows: [{ id: 1 }, { id: 2, [Symbol('k')]: 1 }] }, 'v')).toBe('v.rows[1] has a symbol-keyed property, which would be lost')
    expect(checkValue({ rows: [{ id: 1, name: 'a', ok: true, none: null }, { id: 2, name: 'b', ok: false, none: null }] }, 'v').jsonExact).toBe(true)
    // So are records with small arrays and objects inside, as one tree: sharing, holes, inexact
    // numbers and problems anywhere in it still count, and problems are named by their path.
    const tags = ['a']
    expect(checkValue({ rows: [{ id: 1, tags: ['a'], at: { x: 1 } }, { id: 2, tags: ['b'], at: { x: 2 } }] }, 'v').jsonExact).toBe(true)
    for (const rows of [[{ tags }, { tags }], [{ tags }, tags], [{ tags: [1, , 2] }], [{ at: { x: -0 } }], [{ at: { list: [Object.assign([1], { note: 1 })] } }]])
      expect(checkValue({ rows }, 'v').jsonExact, JSON.stringify(rows)).toBe(false)
    const looped: Record<string, unknown> = { id: 1 }
    looped.self = { back: looped }
    expect(checkValue({ rows: [looped] }, 'v')).toEqual({ jsonExact: false })
    expect(findUnfaithfulPart({ rows: [{ id: 1, at: { list: [1, () => 1] } }] }, 'v')).toBe('v.rows[0].at.list[1] is a function')
    expect(findUnfaithfulPart({ rows: [{ id: 1, at: { when: new Date(0), x: Symbol('s') } }] }, 'v')).toBe('v.rows[0].at.x is a symbol')
    // A long array is asked for keys other than its indexes without listing the indexes: the same answer.
    const long = Array.from({ length: 5000 }, (_, id) => ({ id }))
    expect(checkValue({ long }, 'v').jsonExact).toBe(true)
    for (const extra of ['note', '-1', '4294967295', Symbol('k')]) {
      const withExtra = Object.assign([...long], { [extra]: 1 })
      expect(checkValue({ withExtra }, 'v').jsonExact, String(extra)).toBe(false)
    }
    expect(checkValue({ hidden: Object.defineProperty([...long], 'note', { value: 1, enumerable: false }) }, 'v').jsonExact).toBe(true)
    // Typed arrays travel as raw bytes beside the text: where they sit is all the check says.
    expect(checkValue({ list: [{ bytes: new Uint8Array(1) }] }, 'v')).toEqual({ jsonExact: true, binary: [['list', 0, 'bytes']] })
  })
})

describe('adoptIntoThisRealm', () => {
  it('rebuilds values from another realm with this realm\'s constructors, keeping cycles', async () => {
    const { runInNewContext } = await import('node:vm')
    const { adoptIntoThisRealm } = await import('../../src/runtime/realm.js')
    const foreign = runInNewContext(`const o = { m: new Map([['k', new Set([1])]]), d: new Date(5), t: new Uint16Array([7]), r: /x/g, list: [1, { n: 2 }] }; o.self = o; o`) as Record<string, unknown>
    expect(foreign.m instanceof Map).toBe(false)
    const adopted = adoptIntoThisRealm(foreign) as Record<string, any>
    expect(adopted.m).toBeInstanceOf(Map)
    expect(adopted.m.get('k')).toEqual(new Set([1]))
    expect(adopted.d).toEqual(new Date(5))
    expect(adopted.t).toEqual(new Uint16Array([7]))
    expect(adopted.r).toEqual(/x/g)
    expect(adopted.list).toEqual([1, { n: 2 }])
    expect(Object.getPrototypeOf(adopted)).toBe(Object.prototype)
    expect(adopted.self).toBe(adopted)
  })
})
