import type { Packed } from './json-tables.js'
import type { Serializer } from './options.js'
import { StringDecoder } from 'node:string_decoder'
import { deserialize, serialize } from 'node:v8'
import { CachedFixtureError } from './errors.js'
import { packTables, unpackTables } from './json-tables.js'
import { adoptIntoThisRealm, v8BuildsForeignObjects } from './realm.js'
import { checkValue } from './value-check.js'

/**
 * A value in the form every use makes its own copy from: JSON text for plain data (faster to
 * parse than v8 bytes, and kept as text so each use only parses; `json-tables` when it holds
 * long arrays of records, stored as columns), v8 or a custom serializer's bytes for the rest.
 * `size` is what it takes on disk.
 */
export type Encoded =
  | { codec: 'json' | 'json-tables', text: string, size: number }
  | { codec: 'v8' | 'custom', bytes: Buffer, size: number }

/** Turns a freshly built value into the form every test deserializes its own copy from. */
export function encodeValue(value: unknown, name: string, serializer: Serializer<unknown> | undefined): Encoded {
  if (serializer) {
    const serialized = serializer.serialize(value)
    const bytes = typeof serialized === 'string' ? Buffer.from(serialized) : Buffer.from(serialized.buffer, serialized.byteOffset, serialized.byteLength)
    return { codec: 'custom', bytes, size: bytes.length }
  }
  const { problem, jsonExact } = checkValue(value, name)
  if (problem) {
    throw new CachedFixtureError(`${problem}; give cached() a serializer or return plain data`)
  }
  if (jsonExact) {
    const tables = packTables(value)
    const json = stringifyWithinLimits(tables ?? value)
    if (json !== undefined) return { codec: tables ? 'json-tables' : 'json', text: json, size: Buffer.byteLength(json) }
  }
  const bytes = serialize(value)
  return { codec: 'v8', bytes, size: bytes.length }
}

/** The bytes an entry stores. */
export function payloadOf(encoded: Encoded): Buffer {
  return isText(encoded) ? Buffer.from(encoded.text) : encoded.bytes
}

/** An entry's payload, back in the form uses copy from. */
export function fromPayload(codec: string, payload: Buffer): Encoded {
  if (codec === 'json' || codec === 'json-tables') return { codec, text: decodeText(payload), size: payload.length }
  if (codec === 'v8' || codec === 'custom') return { codec, bytes: payload, size: payload.length }
  throw new CachedFixtureError(`an entry says its payload is "${codec}", which this version cannot read`)
}

/** Whether two encodings hold the same value, byte for byte. */
export function sameEncoding(a: Encoded, b: Encoded): boolean {
  if (isText(a)) return isText(b) && a.codec === b.codec && a.text === b.text
  return !isText(b) && a.codec === b.codec && a.bytes.equals(b.bytes)
}

function isText(encoded: Encoded): encoded is Extract<Encoded, { text: string }> {
  return encoded.codec === 'json' || encoded.codec === 'json-tables'
}

/** JSON text, or undefined when it would exceed V8's longest string (about 512 MB): v8 takes those. */
function stringifyWithinLimits(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  }
  catch (error) {
    if (error instanceof RangeError) return undefined
    throw error
  }
}

export function decodeValue(encoded: Encoded, serializer: Serializer<unknown> | undefined): unknown {
  if (isText(encoded)) {
    const parsed: unknown = JSON.parse(encoded.text)
    return encoded.codec === 'json-tables' ? unpackTables(parsed as Packed) : parsed
  }
  if (encoded.codec === 'custom') {
    if (!serializer) throw new CachedFixtureError('this entry was stored with a custom serializer, and the fixture has none now')
    return serializer.deserialize(encoded.bytes)
  }
  const value = deserialize(encoded.bytes)
  return v8BuildsForeignObjects ? adoptIntoThisRealm(value) : value
}

const TEXT_CHUNK = 1 << 20

/**
 * UTF-8 bytes as a string built from 1 MB pieces. One large `toString()` gives an external
 * string, which V8's JSON parser reads markedly slower (measured: 190 ms against 135 ms for 12 MB
 * inside a Vitest worker); StringDecoder keeps characters split across pieces whole.
 */
function decodeText(bytes: Buffer): string {
  const decoder = new StringDecoder('utf8')
  let text = ''
  for (let start = 0; start < bytes.length; start += TEXT_CHUNK) text += decoder.write(bytes.subarray(start, start + TEXT_CHUNK))
  return text + decoder.end()
}
