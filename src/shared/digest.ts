import { createRequire } from 'node:module'

type Crypto = typeof import('node:crypto') & { hash?: (algorithm: string, data: Uint8Array | string, encoding: 'hex') => string }
// Loaded at the first digest: a test worker whose tests use no cached fixture (Node loads the
// recorder, and so this module, in every worker) does not pay for node:crypto, about 4 ms.
let loaded: Crypto | undefined
const crypto = (): Crypto => (loaded ??= createRequire(import.meta.url)('node:crypto') as Crypto)

/** Hex sha256 of the parts, each length-prefixed so that ('ab', 'c') and ('a', 'bc') differ. */
export function digest(...parts: Array<string | Uint8Array>): string {
  // Text parts, the usual case, hash as one string in one one-shot call (Node 20.12+): a third of
  // the cost of a Hash object fed part by part (a key is a dozen parts), and the same bytes, so the
  // same digest.
  const oneShot = crypto().hash
  if (oneShot && parts.every(part => typeof part === 'string')) {
    let text = ''
    for (const part of parts as string[]) text += `${Buffer.byteLength(part)}:${part}`
    return oneShot('sha256', text, 'hex')
  }
  const hash = crypto().createHash('sha256')
  for (const part of parts) {
    const bytes = typeof part === 'string' ? Buffer.from(part) : part
    hash.update(`${bytes.length}:`)
    hash.update(bytes)
  }
  return hash.digest('hex')
}

/** Hex sha256 of some bytes (a string counts as its UTF-8): a file's content, as recorded reads and their checks take it. */
export function contentDigest(bytes: Uint8Array | string): string {
  const { hash, createHash } = crypto()
  return hash ? hash('sha256', bytes, 'hex') : createHash('sha256').update(bytes).digest('hex')
}
