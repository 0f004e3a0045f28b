// Where the cache is: shared by the plugin and the CLI, which must agree without one loading the other.
import { resolve } from 'node:path'

export const DEFAULT_DIR = 'node_modules/.cache/vitest-fixture-cache'

/**
 * What user modules import `cached` from, and the plugin's name (the CLI finds the plugin and
 * its options in a loaded config by it).
 */
export const PACKAGE_NAME = 'vitest-fixture-cache'

/** `FIXTURE_CACHE_DIR`, else the plugin's `dir`, else the default; relative to the Vitest root. */
export function resolveCacheDir(options: { dir?: string }, root: string, env: NodeJS.ProcessEnv): string {
  return resolve(root, env.FIXTURE_CACHE_DIR || options.dir || DEFAULT_DIR)
}
