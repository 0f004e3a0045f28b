import { digest } from './digest.js'

/** Bump when the entry layout or the way inputs are digested changes: old entries then never match. */
export const FORMAT_VERSION = 1

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

/** Names the first input that differs between a stored entry and the current run. */
export function explainChange(previous: readonly KeyInput[], current: readonly KeyInput[]): string {
  const before = new Map(previous.map(input => [input.name, input.digest]))
  const now = new Map(current.map(input => [input.name, input.digest]))
  const changes: string[] = []
  for (const [name, value] of now) {
    if (!before.has(name)) changes.push(`${name} added`)
    else if (before.get(name) !== value) changes.push(`${name} changed`)
  }
  for (const name of before.keys()) {
    if (!now.has(name)) changes.push(`${name} removed`)
  }
  return changes.length ? changes.join(', ') : 'inputs changed'
}
