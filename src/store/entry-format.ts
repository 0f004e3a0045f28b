import type { KeyInput } from '../shared/key.js'
import { createHash } from 'node:crypto'
import { FORMAT_VERSION } from '../shared/key.js'

/** What an entry says about itself; written as one JSON line before the value's bytes. */
export interface EntryHeader {
  format: number
  name: string
  /** Module that defines the fixture, relative to its project root. */
  file: string
  key: string
  node: string
  inputs: KeyInput[]
  size: number
  checksum: string
  buildMs: number
  runId: string
  createdAt: string
  /** How the payload is read back (`json`, `v8`, `custom`); the store does not interpret it. */
  codec: string
}

export interface Entry {
  header: EntryHeader
  payload: Buffer
}

export type HeaderFields = Omit<EntryHeader, 'format' | 'size' | 'checksum'>

const NEWLINE = 0x0A
export const MAX_HEADER_BYTES = 1 << 20

export function checksum(payload: Uint8Array): string {
  return createHash('sha256').update(payload).digest('hex')
}

export function encodeEntry(fields: HeaderFields, payload: Uint8Array): Buffer {
  const header: EntryHeader = { ...fields, format: FORMAT_VERSION, size: payload.length, checksum: checksum(payload) }
  return Buffer.concat([Buffer.from(`${JSON.stringify(header)}\n`), payload])
}

/** Reads only the header line; the payload is not touched. */
export function decodeHeader(bytes: Buffer): { header: EntryHeader, payloadStart: number } | null {
  const newline = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(NEWLINE)
  if (newline < 0) return null
  try {
    const header = JSON.parse(bytes.toString('utf8', 0, newline)) as EntryHeader
    if (header.format !== FORMAT_VERSION || typeof header.key !== 'string') return null
    return { header, payloadStart: newline + 1 }
  }
  catch {
    return null
  }
}

/**
 * The entry when its header is for this key and Node version and the payload's size
 * and checksum match; otherwise null. Bytes that fail the check are never deserialized.
 */
export function decodeEntry(bytes: Buffer, expected: { key: string, node: string }): Entry | null {
  const decoded = decodeHeader(bytes)
  if (!decoded) return null
  const { header, payloadStart } = decoded
  if (header.key !== expected.key || header.node !== expected.node) return null
  const payload = bytes.subarray(payloadStart)
  if (payload.length !== header.size || checksum(payload) !== header.checksum) return null
  return { header, payload }
}
