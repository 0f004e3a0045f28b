import type { CacheMode, WorkerConfig } from '../shared/protocol.js'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { resolveCacheDir } from '../shared/cache-dir.js'
import { parseBytes } from '../shared/units.js'
import { journalFolder } from './journal.js'

export interface FixtureCacheOptions {
  /** Cache directory, relative to the Vitest root. Default: `node_modules/.cache/vitest-fixture-cache`. */
  dir?: string
  /** No summary line after the run. */
  silent?: boolean
  /** A line per fixture after the summary (also with the verbose reporter). */
  detail?: boolean
  /** Where to write the JSON report of the last run, relative to the Vitest root; `false` for none. Default: `last-run.json` in the cache dir. */
  report?: string | false
  /** After each run, remove least recently used entries beyond this size: `2GB`, `500MB`, or bytes. */
  maxSize?: string | number
  /**
   * On a run that builds every cached fixture (an empty cache, `FIXTURE_CACHE_REFRESH=1`, verify),
   * test and hook timeouts are raised to at least this many milliseconds, since a build runs inside
   * the first test or hook that uses it. `false` leaves them. Default 600000 (10 minutes).
   */
  coldTimeout?: number | false
}

export const DEFAULT_COLD_TIMEOUT_MS = 600_000

const OPTION_TYPES: Record<keyof FixtureCacheOptions, { expected: string, accepts: (value: unknown) => boolean }> = {
  dir: { expected: 'a string', accepts: value => typeof value === 'string' },
  silent: { expected: 'a boolean', accepts: value => typeof value === 'boolean' },
  detail: { expected: 'a boolean', accepts: value => typeof value === 'boolean' },
  report: { expected: 'a string or false', accepts: value => value === false || typeof value === 'string' },
  maxSize: { expected: 'a size like "2GB" or a number of bytes', accepts: value => typeof value === 'string' || typeof value === 'number' },
  coldTimeout: { expected: 'a number of milliseconds or false', accepts: value => value === false || (typeof value === 'number' && value > 0) },
}

/** Checks the plugin options where the config is loaded; returns `maxSize` in bytes. */
export function validatePluginOptions(options: FixtureCacheOptions): { maxBytes?: number } {
  const fail = (problem: string): never => {
    throw new Error(`[vitest-fixture-cache] fixtureCache(): ${problem}`)
  }
  for (const [name, value] of Object.entries(options)) {
    if (!Object.hasOwn(OPTION_TYPES, name)) fail(`unknown option "${name}"; known options are ${Object.keys(OPTION_TYPES).join(', ')}`)
    const { expected, accepts } = OPTION_TYPES[name as keyof FixtureCacheOptions]
    if (value !== undefined && !accepts(value)) fail(`option "${name}" must be ${expected}, got ${JSON.stringify(value)}`)
  }
  if (options.maxSize === undefined) return {}
  try {
    return { maxBytes: typeof options.maxSize === 'number' ? options.maxSize : parseBytes(options.maxSize) }
  }
  catch (error) {
    return fail(`option "maxSize": ${(error as Error).message}`)
  }
}

const MODES: Record<string, CacheMode> = { on: 'on', off: 'off', readonly: 'readonly', verify: 'verify' }

/** Reads the plugin options and the environment into what workers need. */
export function resolveWorkerConfig(options: FixtureCacheOptions, root: string, env: NodeJS.ProcessEnv): WorkerConfig {
  const runId = randomUUID()
  return {
    dir: resolveCacheDir(options, root, env),
    root,
    workspace: findWorkspace(root),
    mode: parseMode(env.FIXTURE_CACHE),
    refresh: parseRefresh(env.FIXTURE_CACHE_REFRESH),
    runId,
    journal: journalFolder(runId),
  }
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

/**
 * The folder whose files a factory's recorded reads count in: the git checkout that holds the
 * Vitest root, else the outermost package-manager workspace above it, else the root itself.
 * A monorepo's test package reads migrations from a sibling package: those must count too.
 */
export function findWorkspace(root: string): string {
  let workspace = root
  for (let at = root; ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) return at
    if (isWorkspaceRoot(at)) workspace = at
    if (dirname(at) === at) return workspace
  }
}

function isWorkspaceRoot(folder: string): boolean {
  if (existsSync(join(folder, 'pnpm-workspace.yaml'))) return true
  try {
    return JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')).workspaces !== undefined
  }
  catch {
    return false
  }
}
