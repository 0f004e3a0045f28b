import { describe, expect, it } from 'vitest'
import { decodeValue, encodeValue, fromPayload, payloadOf } from '../../src/runtime/codec.js'

/** What a use gets from the stored bytes. */
const roundTrip = (value: unknown): { codec: string, value: unknown } => {
  const encoded = encodeValue(value, 'fixture', undefined)
  return { codec: encoded.codec, value: decodeValue(fromPayload(encoded.codec, payloadOf(encoded)), undefined) }
}

describe('codec: typed arrays beside JSON text', () => {
  const records = Array.from({ length: 200 }, (_, id) => ({ id, name: `r${id}` }))

  it('stores records as columns and typed arrays as raw bytes, and gives each back exactly', () => {
    const value = {
      records,
      blob: Uint8Array.from([0, 1, 254, 255]),
      nested: [{ weights: Float64Array.from([0.5, -1e300, Number.NaN]) }],
      buffer: Buffer.from('bytes'),
      big: BigInt64Array.from([-(2n ** 63n)]),
      slice: new Int16Array(new ArrayBuffer(16), 6, 3).fill(-2),
      // Characters of two to four UTF-8 bytes: the text's length in the layout is in bytes.
      label: 'naïve — 😀',
    }
    const { codec, value: back } = roundTrip(value)
    expect(codec).toBe('json-tables+binary')
    expect(back).toEqual(value)
    const copy = back as typeof value
    expect(Buffer.isBuffer(copy.buffer)).toBe(true)
    expect(copy.slice).toBeInstanceOf(Int16Array)
    expect(copy.slice.byteOffset).toBe(0)
  })

  it('gives every use its own bytes', () => {
    const encoded = encodeValue({ blob: new Uint8Array(8) }, 'fixture', undefined)
    const first = decodeValue(encoded, undefined) as { blob: Uint8Array }
    first.blob[0] = 9
    expect((decodeValue(encoded, undefined) as { blob: Uint8Array }).blob[0]).toBe(0)
  })

  it('leaves to v8 what JSON and raw bytes cannot carry: a typed array used twice, a DataView, a typed array as the whole value', () => {
    const shared = new Uint8Array(4)
    expect(roundTrip({ a: shared, b: shared }).codec).toBe('v8')
    expect(roundTrip({ view: new DataView(new ArrayBuffer(4)) }).codec).toBe('v8')
    expect(roundTrip(new Uint8Array(4)).codec).toBe('v8')
    expect(roundTrip({ plain: [1, 2] }).codec).toBe('json')
  })
})
