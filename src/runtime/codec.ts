import type { Serializer } from './options.js'
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
  return jsonExact ? { codec: 'json', bytes: Buffer.from(JSON.stringify(value)) } : { codec: 'v8', bytes: serialize(value) }
}

export function decodeValue({ codec, bytes }: Encoded, serializer: Serializer<unknown> | undefined): unknown {
  if (codec === 'custom') {
    if (!serializer) throw new CachedFixtureError('this entry was stored with a custom serializer, and the fixture has none now')
    return serializer.deserialize(bytes)
  }
  if (codec === 'json') return JSON.parse(bytes.toString('utf8'))
  const value = deserialize(bytes)
  return v8BuildsForeignObjects ? adoptIntoThisRealm(value) : value
}
