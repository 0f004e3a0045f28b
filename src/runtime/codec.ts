import type { Serializer } from './options.js'
import { StringDecoder } from 'node:string_decoder'
import { deserialize, serialize } from 'node:v8'
import { CachedFixtureError } from './errors.js'
import { adoptIntoThisRealm, v8BuildsForeignObjects } from './realm.js'
import { checkValue } from './value-check.js'

/** How an entry's bytes are read back: JSON for plain data (faster to parse), v8 for the rest. */
export type Codec = 'json' | 'v8' | 'custom'

export interface Encoded {
  codec: Codec
  bytes: Buffer
}

/** Turns a freshly built value into the bytes every test deserializes its own copy from. */
export function encodeValue(value: unknown, name: string, serializer: Serializer<unknown> | undefined): Encoded {
  if (serializer) {
    const bytes = serializer.serialize(value)
    return { codec: 'custom', bytes: typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) }
  }
  const { problem, jsonExact } = checkValue(value, name)
  if (problem) {
    throw new CachedFixtureError(`${problem}; give cached() a serializer or return plain data`)
  }
  if (jsonExact) {
    const json = stringifyWithinLimits(value)
    if (json !== undefined) return { codec: 'json', bytes: Buffer.from(json) }
  }
  return { codec: 'v8', bytes: serialize(value) }
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

export function decodeValue({ codec, bytes }: Encoded, serializer: Serializer<unknown> | undefined): unknown {
  if (codec === 'custom') {
    if (!serializer) throw new CachedFixtureError('this entry was stored with a custom serializer, and the fixture has none now')
    return serializer.deserialize(bytes)
  }
  if (codec === 'json') return JSON.parse(decodeText(bytes))
  const value = deserialize(bytes)
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
