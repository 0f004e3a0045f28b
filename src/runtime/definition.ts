import type { CallSite } from '../shared/protocol.js'
import type { ValidatedOptions } from './options.js'

/** A `cached()` call, checked and named. */
export interface FixtureDefinition {
  /** Undefined only when the plugin did not see the call; reported when the fixture runs. */
  name?: string
  /** How messages refer to the fixture: `"corpus" (test/fixtures.ts:12)`. */
  label: string
  factory: (context: any) => unknown
  options: ValidatedOptions
  site?: CallSite
  /**
   * Runs the factory inside what it needs (cachedDir: a fresh folder, then its snapshot); `run`
   * records what the factory reads. Paths it names in `ignored` are not inputs (the folder itself).
   */
  around?: (context: Record<string, unknown>, run: (context: Record<string, unknown>) => Promise<unknown>) => Promise<{ value: unknown, ignored: string[] }>
  /**
   * Turns each use's decoded copy into what the use receives (a folder restored from a snapshot),
   * registering what to undo when the use ends; timed as part of the copy.
   */
  materialize?: (decoded: unknown, valueDigest: string, onCleanup: (cleanup: () => void) => void, runId: string) => unknown
}
