import { createHash } from 'node:crypto'

/** Hex sha256 of the parts, each length-prefixed so that ('ab', 'c') and ('a', 'bc') differ. */
export function digest(...parts: Array<string | Uint8Array>): string {
  const hash = createHash('sha256')
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part
    hash.update(`${bytes.length}:`)
    hash.update(bytes)
  }
  return hash.digest('hex')
}
