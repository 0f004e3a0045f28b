import { digest } from './digest.js'

/**
 * Bump when the entry layout or the way inputs are digested changes, or when a build records a
 * new kind of read (an older entry would pass for one that read none): old entries then never match.
 */
export const FORMAT_VERSION = 9

/**
 * One named part of a fingerprint. Names are stable and readable (`factory`, `node`,
 * `env SEED`, `file data/words.txt`) so a rebuild can say which input changed.
 */
export interface KeyInput {
  name: string
  digest: string
}

/** Combines named inputs into one key; order of the list does not matter. */
export function composeKey(inputs: readonly KeyInput[]): string {
  const lines = inputs.map(input => `${input.name}\0${input.digest}`).sort()
  return digest(...lines)
}

// Inputs whose digest is the readable value itself, so a reason can say what it was and is.
const READABLE = /^(package |node$|environment$)/

/** Says which inputs differ between a stored entry and the current run: `helper tokenize() in src/text.ts changed`. */
export function explainChange(previous: readonly KeyInput[], current: readonly KeyInput[]): string {
  const before = new Map(previous.map(input => [input.name, input.digest]))
  const now = new Map(current.map(input => [input.name, input.digest]))
  const changes: string[] = []
  for (const [name, value] of now) {
    const old = before.get(name)
    if (old === undefined) changes.push(`${name} added`)
    else if (old !== value) changes.push(READABLE.test(name) ? `${name} ${old} → ${value}` : `${name} changed`)
  }
  for (const name of before.keys()) {
    if (!now.has(name)) changes.push(`${name} removed`)
  }
  return listChanges(changes)
}

/** `a changed, b added and 2 more`: the first three changes a reason names, the rest counted. */
export function listChanges(changes: readonly string[]): string {
  if (!changes.length) return 'inputs changed'
  return changes.length > 3 ? `${changes.slice(0, 3).join(', ')} and ${changes.length - 3} more` : changes.join(', ')
}
