// The one boundary between the main process (plugin) and the workers (cached()).
// Everything a worker learns from the plugin travels in these two shapes.

export type CacheMode = 'on' | 'off' | 'readonly' | 'verify'

/** What the plugin provides to every worker through Vitest's `provide`/`inject`. */
export interface WorkerConfig {
  /** Absolute cache directory. */
  dir: string
  /** Absolute Vitest root: `files` patterns are relative to it. */
  root: string
  mode: CacheMode
  /** `true`: rebuild every cached fixture; a list: only those names. */
  refresh: true | string[]
  /** Identifies this run, so a refresh rebuilds once per run, not once per worker. */
  runId: string
}

/**
 * What the plugin's transform learns about a `cached()` call from the module source
 * and passes as the call's hidden third argument.
 */
export interface CallSite {
  /** The `test.extend` key this call is the value of, when the source says so. */
  name?: string
  /** Module path relative to the Vitest root, with forward slashes. */
  file: string
  /** How many earlier `cached()` calls in this module have the same name (usually 0). */
  occurrence: number
  /** Digest of the factory's normalized code; absent when the factory is defined elsewhere. */
  factory?: string
  /** Fixtures the factory destructures from its context. */
  deps?: string[]
}

export const PROVIDE_KEY = 'vitest-fixture-cache'

declare module 'vitest' {
  export interface ProvidedContext {
    'vitest-fixture-cache': WorkerConfig
  }
}
