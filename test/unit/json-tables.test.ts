import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { packTables, unpackTables } from '../../src/runtime/json-tables.js'

/** What a use gets back: through JSON text, as the store keeps it. */
function roundTrip(value: unknown): unknown {
  const packed = packTables(value)
  return packed ? unpackTables(JSON.parse(JSON.stringify(packed))) : JSON.parse(JSON.stringify(value))
}

const records = <T extends object>(count: number, make: (index: number) => T): T[] => Array.from({ length: count }, (_, index) => make(index))

describe('json tables', () => {
  it('stores long arrays of same-shaped records as columns and gives back exactly what JSON would', () => {
    const rows = records(200, index => ({ id: index, name: `item-${index}`, score: index % 7 === 0 ? null : index / 3, tags: ['a', { deep: [index] }], nested: { ok: true } }))
    const value = { meta: { count: 200 }, rows, list: [1, 'two', { rows }], more: [records(40, index => ({ x: index }))] }
    const packed = packTables(value)!
    expect(packed.tables.map(table => table.path)).toEqual([['rows'], ['list', 2, 'rows'], ['more', 0]])
    expect(JSON.stringify(packed).length).toBeLessThan(JSON.stringify(value).length)
    const back = roundTrip(value)
    expect(JSON.stringify(back)).toBe(JSON.stringify(value))
    expect(back).toEqual(value)
    // The value handed in is not changed.
    expect(value.rows).toBe(rows)
    expect(value.list[2]).toEqual({ rows })
  })

  it('keeps key order, integer-like keys, odd keys and every value', () => {
    const rows = records(50, index => ({ 'b': index, '2': 'two', '1': -index, '': 'empty', 'a"\\\n\u2028': [index], 'constructor': 'c', 'toString': 1 }))
    const back = roundTrip(rows) as typeof rows
    expect(JSON.stringify(back)).toBe(JSON.stringify(rows))
    expect(Object.keys(back[7]!)).toEqual(Object.keys(rows[7]!))
    expect(Object.getPrototypeOf(back[0])).toBe(Object.prototype)
  })

  it('leaves alone what is not a table: short arrays, mixed shapes, key orders or types, __proto__ keys', () => {
    const mixedOrder = records(40, index => (index === 39 ? { b: 1, a: 2 } : { a: 1, b: 2 }))
    const mixedKeys = records(40, index => (index === 39 ? { a: 1 } : { a: 1, b: 2 }))
    const extraKey = records(40, index => (index === 39 ? { a: 1, b: 2, c: 3 } : { a: 1, b: 2 }))
    const withArray = [...records(39, () => ({ a: 1 })), [1]]
    const proto = records(40, () => JSON.parse('{"__proto__": 1, "a": 2}') as Record<string, unknown>)
    const underProto = JSON.parse(`{"__proto__": ${JSON.stringify(records(40, () => ({ a: 1 })))}}`) as unknown
    for (const value of [records(31, () => ({ a: 1 })), mixedOrder, mixedKeys, extraKey, withArray, proto, underProto, records(40, () => ({}))]) {
      expect(packTables(value)).toBeNull()
      expect(JSON.stringify(roundTrip(value))).toBe(JSON.stringify(value))
    }
    expect(Object.keys(roundTrip(proto[0]) as object)).toEqual(['__proto__', 'a'])
  })

  it('gives every use its own rows', () => {
    const value = { rows: records(40, index => ({ id: index, tags: ['x'] })) }
    const text = JSON.stringify(packTables(value))
    const first = unpackTables(JSON.parse(text)) as typeof value
    const second = unpackTables(JSON.parse(text)) as typeof value
    first.rows[0]!.tags.push('changed')
    expect(second.rows[0]!.tags).toEqual(['x'])
  })

  it('rebuilds rows without compiled code where code generation from strings is disallowed', () => {
    // The built module, in a Node that refuses new Function, as `node --disallow-code-generation-from-strings` would.
    const script = `
      import { packTables, unpackTables } from ${JSON.stringify(new URL('../../dist/runtime/json-tables.js', import.meta.url).href)}
      const rows = Array.from({ length: 40 }, (_, i) => ({ b: i, '1': 'x', a: [i] }))
      let compiled = true
      try { new Function('') } catch { compiled = false }
      const back = unpackTables(JSON.parse(JSON.stringify(packTables(rows))))
      process.stdout.write(String(compiled) + ' ' + (JSON.stringify(back) === JSON.stringify(rows)))`
    const output = execFileSync(process.execPath, ['--disallow-code-generation-from-strings', '--input-type=module', '-e', script], { encoding: 'utf8' })
    expect(output).toBe('false true')
  })
})
