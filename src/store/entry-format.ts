import type { KeyInput } from '../shared/key.js'
import { createRequire } from 'node:module'
import { contentDigest } from '../shared/digest.js'
import { FORMAT_VERSION } from '../shared/key.js'

/** What an entry says about itself; written as one JSON line before the value's bytes. */
export interface EntryHeader {
  format: number
  name: string
  /** Module that defines the fixture, relative to its project root. */
  file: string
  /** The key of the fixture's static inputs (code, declared inputs, context): what is looked up. */
  key: string
  /** The entry's own name: the key joined with what the factory was recorded reading. */
  id: string
  node: string
  inputs: KeyInput[]
  /** Files and env vars the factory read while it built, with their digests then: re-checked on every hit. */
  recorded: KeyInput[]
  /** sha256 of the payload: what a downstream fixture's key chains on. */
  valueDigest: string
  /** Set when absolute paths under the project were stored relative: the placeholder that stands for it. */
  relocated?: string
  /** Env vars the factory left set (null: deleted), set again on every reuse. */
  envSet?: Record<string, string | null>
  /** Placeholders in the stored text for the paths of folder fixtures it received, by fixture name: each use gets its own copy's. */
  folders?: Record<string, string>
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
// A header lists what the factory read: room for some 100,000 recorded files.
export const MAX_HEADER_BYTES = 16 << 20

const require = createRequire(import.meta.url)
// Loaded for the first large payload: importing zlib costs every worker process about 3 ms.
// Node before 20.15 has no zlib.crc32.
const crc32 = (): ((data: Uint8Array) => number) | undefined => (require('node:zlib') as Partial<typeof import('node:zlib')>).crc32
const CRC32_FROM_BYTES = 1 << 20

/**
 * An integrity check of stored bytes, prefixed with its algorithm. CRC-32 catches the damage a
 * cache meets (torn or zeroed blocks, flipped bits: every error burst up to 32 bits, anything
 * else but once in 4 billion) at three times sha256's speed, and every hit pays it on the whole
 * entry; below 1 MB the difference is less than loading zlib, and sha256 is used. Nothing here
 * defends against a forger: the cache dir is the user's own (0700).
 */
export function checksum(payload: Uint8Array): string {
  const crc = payload.length >= CRC32_FROM_BYTES ? crc32() : undefined
  return crc ? `crc32-${crc(payload).toString(16)}` : sha256(payload)
}

/** Whether bytes match a checksum written by `checksum`, on this Node or another. */
export function checksumMatches(payload: Uint8Array, expected: string): boolean {
  if (!expected.startsWith('crc32-')) return expected === sha256(payload)
  const crc = crc32()
  return crc !== undefined && expected === `crc32-${crc(payload).toString(16)}`
}

function sha256(payload: Uint8Array): string {
  return `sha256-${contentDigest(payload)}`
}

/** An entry's bytes: its header line, then the payload (as two pieces: the payload is not copied). */
export function encodeEntry(fields: HeaderFields, payload: Uint8Array): [Buffer, Uint8Array] {
  const header: EntryHeader = { ...fields, format: FORMAT_VERSION, size: payload.length, checksum: checksum(payload) }
  return [Buffer.from(`${JSON.stringify(header)}\n`), payload]
}

/** Reads only the header line; the payload is not touched. */
export function decodeHeader(bytes: Buffer): { header: EntryHeader, payloadStart: number } | null {
  const newline = bytes.subarray(0, MAX_HEADER_BYTES).indexOf(NEWLINE)
  if (newline < 0) return null
  try {
    const header = JSON.parse(bytes.toString('utf8', 0, newline)) as EntryHeader
    if (header.format !== FORMAT_VERSION || typeof header.key !== 'string' || typeof header.id !== 'string') return null
    return { header, payloadStart: newline + 1 }
  }
  catch {
    return null
  }
}

/**
 * The entry when its header is for this id (any when none is given) and Node version, and
 * the payload's size and checksum match; otherwise null. Bytes that fail are never deserialized.
 */
export function decodeEntry(bytes: Buffer, expected: { id?: string, node: string }): Entry | null {
  const decoded = decodeHeader(bytes)
  if (!decoded) return null
  const { header, payloadStart } = decoded
  if ((expected.id !== undefined && header.id !== expected.id) || header.node !== expected.node) return null
  const payload = bytes.subarray(payloadStart)
  if (payload.length !== header.size || !checksumMatches(payload, header.checksum)) return null
  return { header, payload }
}
