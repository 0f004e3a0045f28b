import type { Packed } from './json-tables.js'
import type { Serializer } from './options.js'
import { StringDecoder } from 'node:string_decoder'
import { deserialize, serialize } from 'node:v8'
import { CachedFixtureError } from './errors.js'
import { packTables, unpackTables } from './json-tables.js'
import { adoptIntoThisRealm, v8BuildsForeignObjects } from './realm.js'
import type { ValuePath } from './value-check.js'
import { binaryViewType, checkValue } from './value-check.js'

/**
 * A value in the form every use makes its own copy from: JSON text for plain data (faster to
 * parse than v8 bytes, and kept as text so each use only parses; `json-tables` when it holds
 * long arrays of records, stored as columns), v8 or a custom serializer's bytes for the rest.
 * `size` is what it takes on disk.
 */
export type Encoded =
  | { codec: TextCodec, text: string, size: number, binary?: BinaryPart[] }
  | { codec: 'v8' | 'custom', bytes: Buffer, size: number }

type TextCodec = 'json' | 'json-tables' | 'json+binary' | 'json-tables+binary'

/**
 * A typed array of an otherwise plain value: its bytes travel beside the JSON text (where it
 * stands as `null`), so one 20 MB `Uint8Array` does not send a million records through `node:v8`.
 */
export interface BinaryPart {
  path: ValuePath
  type: string
  bytes: Buffer
}

/** Turns a freshly built value into the form every test deserializes its own copy from. */
export function encodeValue(value: unknown, name: string, serializer: Serializer<unknown> | undefined): Encoded {
  if (serializer) {
    const serialized = serializer.serialize(value)
    const bytes = typeof serialized === 'string' ? Buffer.from(serialized) : Buffer.from(serialized.buffer, serialized.byteOffset, serialized.byteLength)
    return { codec: 'custom', bytes, size: bytes.length }
  }
  const { problem, jsonExact, binary } = checkValue(value, name)
  if (problem) {
    throw new CachedFixtureError(`${problem}; give cached() a serializer or return plain data`)
  }
  if (jsonExact) {
    const parts = binary?.map(path => binaryPart(value, path))
    const plain = parts ? withNulls(value, parts) : value
    const tables = packTables(plain)
    const json = stringifyWithinLimits(tables ?? plain)
    if (json !== undefined) {
      const text: TextCodec = tables ? 'json-tables' : 'json'
      if (!parts) return { codec: text, text: json, size: Buffer.byteLength(json) }
      return { codec: `${text}+binary`, text: json, binary: parts, size: Buffer.byteLength(json) + parts.reduce((total, part) => total + part.bytes.length, 0) }
    }
  }
  const bytes = serialize(value)
  return { codec: 'v8', bytes, size: bytes.length }
}

/**
 * The bytes an entry stores. With binary parts: a line describing them, the text, then their
 * bytes one after another, raw.
 */
export function payloadOf(encoded: Encoded): Buffer {
  if (!isText(encoded)) return encoded.bytes
  if (!encoded.binary) return Buffer.from(encoded.text)
  const textLength = Buffer.byteLength(encoded.text)
  const layout: BinaryLayout = { text: textLength, parts: encoded.binary.map(({ path, type, bytes }) => ({ path, type, length: bytes.length })) }
  const line = Buffer.from(`${JSON.stringify(layout)}\n`)
  // One buffer written in place: a big value's bytes are copied once, not once per step.
  const payload = Buffer.allocUnsafe(line.length + textLength + layout.parts.reduce((total, part) => total + part.length, 0))
  let at = line.copy(payload)
  at += payload.write(encoded.text, at)
  for (const part of encoded.binary) at += part.bytes.copy(payload, at)
  return payload
}

interface BinaryLayout {
  text: number
  parts: Array<{ path: ValuePath, type: string, length: number }>
}

/** An entry's payload, back in the form uses copy from. */
export function fromPayload(codec: string, payload: Buffer): Encoded {
  if (codec === 'json' || codec === 'json-tables') return { codec, text: decodeText(payload), size: payload.length }
  if (codec === 'json+binary' || codec === 'json-tables+binary') {
    const newline = payload.indexOf(0x0A)
    const layout = JSON.parse(payload.toString('utf8', 0, newline)) as BinaryLayout
    let at = newline + 1 + layout.text
    const binary = layout.parts.map(({ path, type, length }) => ({ path, type, bytes: payload.subarray(at, at += length) }))
    return { codec, text: decodeText(payload.subarray(newline + 1, newline + 1 + layout.text)), binary, size: payload.length }
  }
  if (codec === 'v8' || codec === 'custom') return { codec, bytes: payload, size: payload.length }
  throw new CachedFixtureError(`an entry says its payload is "${codec}", which this version cannot read`)
}

/** Whether two encodings hold the same value, byte for byte. */
export function sameEncoding(a: Encoded, b: Encoded): boolean {
  if (isText(a)) return isText(b) && a.codec === b.codec && a.text === b.text && payloadOf(a).equals(payloadOf(b))
  return !isText(b) && a.codec === b.codec && a.bytes.equals(b.bytes)
}

export function isText(encoded: Encoded): encoded is Extract<Encoded, { text: string }> {
  return encoded.codec !== 'v8' && encoded.codec !== 'custom'
}

function binaryPart(value: unknown, path: ValuePath): BinaryPart {
  const view = path.reduce<any>((at, key) => at[key], value) as ArrayBufferView
  return { path, type: binaryViewType(view)!, bytes: Buffer.from(view.buffer, view.byteOffset, view.byteLength) }
}

/** A copy of the value's containers along each part's path, with `null` where the part was. */
function withNulls(value: unknown, parts: readonly BinaryPart[]): unknown {
  const copies = new Map<object, any>()
  const copyOf = (container: any): any => {
    let copy = copies.get(container)
    if (!copy) copies.set(container, copy = Array.isArray(container) ? container.slice() : { ...container })
    return copy
  }
  const root = copyOf(value)
  for (const { path } of parts) {
    let original: any = value
    let copy = root
    for (const key of path.slice(0, -1)) {
      original = original[key]
      copy = copy[key] = copyOf(original)
    }
    copy[path.at(-1)!] = null
  }
  return root
}

/** Puts each use's own copy of every binary part back where it was. */
function withParts(value: unknown, parts: readonly BinaryPart[]): unknown {
  for (const { path, type, bytes } of parts) {
    const copy = (bytes.buffer as ArrayBuffer).slice(bytes.byteOffset, bytes.byteOffset + bytes.length)
    const view = type === 'Buffer' ? Buffer.from(copy) : new (globalThis as unknown as Record<string, new (buffer: ArrayBuffer) => ArrayBufferView>)[type]!(copy)
    const parent = path.slice(0, -1).reduce<any>((at, key) => at[key], value)
    parent[path.at(-1)!] = view
  }
  return value
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
    const value = encoded.codec.startsWith('json-tables') ? unpackTables(parsed as Packed) : parsed
    return encoded.binary ? withParts(value, encoded.binary) : value
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
