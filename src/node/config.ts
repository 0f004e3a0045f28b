import type { CacheMode, WorkerConfig } from '../shared/protocol.js'
import { randomUUID } from 'node:crypto'
import { resolve } from 'node:path'

export interface FixtureCacheOptions {
  /** Cache directory, relative to the Vitest root. Default: `node_modules/.cache/vitest-fixture-cache`. */
  dir?: string
}

export const DEFAULT_DIR = 'node_modules/.cache/vitest-fixture-cache'

// One id per main process: every project and worker of a run shares it.
const runId = randomUUID()

const MODES: Record<string, CacheMode> = { on: 'on', off: 'off', readonly: 'readonly', verify: 'verify' }

/** Reads the plugin options and the environment into what workers need. */
export function resolveWorkerConfig(options: FixtureCacheOptions, root: string, env: NodeJS.ProcessEnv): WorkerConfig {
  return {
    dir: resolveCacheDir(options, root, env),
    root,
    mode: parseMode(env.FIXTURE_CACHE),
    refresh: parseRefresh(env.FIXTURE_CACHE_REFRESH),
    runId,
  }
}

export function resolveCacheDir(options: FixtureCacheOptions, root: string, env: NodeJS.ProcessEnv): string {
  return resolve(root, env.FIXTURE_CACHE_DIR || options.dir || DEFAULT_DIR)
}

export function parseMode(value: string | undefined): CacheMode {
  const normalized = (value ?? '').trim().toLowerCase()
  if (!normalized) return 'on'
  const mode = MODES[normalized]
  if (!mode) {
    throw new Error(`[vitest-fixture-cache] FIXTURE_CACHE=${value} is not a mode; use one of: ${Object.keys(MODES).join(', ')}`)
  }
  return mode
}

/** `1`, `true`, `all` or `*` refresh everything; otherwise a comma list of fixture names. */
export function parseRefresh(value: string | undefined): true | string[] {
  const normalized = (value ?? '').trim()
  if (['1', 'true', 'all', '*'].includes(normalized.toLowerCase())) return true
  return normalized.split(',').map(name => name.trim()).filter(Boolean)
}
