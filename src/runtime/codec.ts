import type { Serializer } from './options.js'
import { deserialize, serialize } from 'node:v8'
import { CachedFixtureError } from './errors.js'
import { findUnfaithfulPart } from './value-check.js'

/** Turns a freshly built value into the bytes every test deserializes its own copy from. */
export function encodeValue(value: unknown, name: string, serializer: Serializer<unknown> | undefined): Buffer {
  if (serializer) {
    const bytes = serializer.serialize(value)
    return typeof bytes === 'string' ? Buffer.from(bytes) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }
  const problem = findUnfaithfulPart(value, name)
  if (problem) {
    throw new CachedFixtureError(`${problem}; give cached() a serializer or return plain data`)
  }
  return serialize(value)
}

export function decodeValue(bytes: Buffer, serializer: Serializer<unknown> | undefined): unknown {
  return serializer ? serializer.deserialize(bytes) : deserialize(bytes)
}
