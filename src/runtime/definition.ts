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
}
