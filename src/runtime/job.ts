// One fixture's trip through the cache in this worker: what it is, what the run asks of it, what it got.
import type { KeyInput } from '../shared/key.js'
import type { FixtureEvent, WorkerConfig } from '../shared/protocol.js'
import type { Slot } from '../store/paths.js'
import type { Encoded } from './codec.js'
import type { FixtureDefinition } from './definition.js'
import type { RecordScope } from '../shared/recorded-check.js'

export interface Job {
  definition: FixtureDefinition
  name: string
  config: WorkerConfig
  slot: Slot
  /** The digest of the static inputs: code, context, declared inputs. */
  key: string
  inputs: KeyInput[]
  notes: string[]
  unstorable?: string
  context: Record<string, unknown>
  scope: RecordScope
  /** The modules the factory's code reaches by name (relative to the root; `package x`, `node:fs`): their code is in the key. */
  reached: readonly string[]
}

/** A value in the form every use copies from, the digest of its stored bytes (what dependents chain on), and how it was had. */
export interface Obtained {
  encoded: Encoded
  valueDigest: string
  /** Env vars the factory left set (null: deleted): each use sets them, as the factory did. */
  envSet?: Record<string, string | null>
  /** Placeholders for the paths of folder fixtures it received: each use gets its own copy's. */
  folders?: Record<string, string>
  outcome: Pick<FixtureEvent, 'outcome' | 'reason' | 'tier'>
}

/** Where recorded reads count: the workspace, minus the cache's own files. */
/** Whether this run builds the fixture whatever is stored. */
export function rebuildsAnyway(config: WorkerConfig, name: string): boolean {
  return refreshRequested(config, name) || config.mode === 'verify'
}

export function refreshRequested(config: WorkerConfig, name: string): boolean {
  return config.refresh === true || config.refresh.includes(name)
}
