import type { CacheMode, RemoteConfig, WorkerConfig } from '../shared/protocol.js'
import { randomUUID } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { resolveCacheDir } from '../shared/cache-dir.js'
import { wallClockMs } from '../shared/clock.js'
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
  /**
   * A shared cache server speaking the Turborepo remote-cache API (Vercel, or the open-source
   * turborepo-remote-cache server): read after the local cache misses, written only with `write`.
   * Env `FIXTURE_CACHE_REMOTE_URL`, `_TOKEN`, `_TEAM`, `_SIGNATURE_KEY`, `_WRITE` override these;
   * Turborepo's `TURBO_API`, `TURBO_TOKEN`, `TURBO_TEAM`, `TURBO_REMOTE_CACHE_SIGNATURE_KEY` fill in.
   */
  remote?: RemoteOptions
}

export interface RemoteOptions {
  /** `'turborepo'` (default): the Turborepo remote-cache API; `'bazel'`: the Bazel HTTP cache (`/ac/`, `/cas/`). */
  protocol?: 'turborepo' | 'bazel'
  url?: string
  token?: string
  team?: string
  /** Signs every artifact (HMAC-SHA256, as turbo does) and checks the signature on every read. */
  signatureKey?: string
  /** Upload what this run builds. Only for trusted runs (the default branch): anyone who can write can poison what others read. */
  write?: boolean
  /** Give up on a server silent this long (ms); it is then not asked again this run. Default 500. */
  timeout?: number
}

export const DEFAULT_COLD_TIMEOUT_MS = 600_000

const OPTION_TYPES: Record<keyof FixtureCacheOptions, { expected: string, accepts: (value: unknown) => boolean }> = {
  dir: { expected: 'a string', accepts: value => typeof value === 'string' },
  silent: { expected: 'a boolean', accepts: value => typeof value === 'boolean' },
  detail: { expected: 'a boolean', accepts: value => typeof value === 'boolean' },
  report: { expected: 'a string or false', accepts: value => value === false || typeof value === 'string' },
  maxSize: { expected: 'a size like "2GB" or a number of bytes', accepts: value => typeof value === 'string' || typeof value === 'number' },
  coldTimeout: { expected: 'a number of milliseconds or false', accepts: value => value === false || (typeof value === 'number' && value > 0) },
  remote: { expected: 'an object { protocol, url, token, team, signatureKey, write, timeout }', accepts: value => typeof value === 'object' && value !== null && !Array.isArray(value) },
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
  const mode = parseMode(env.FIXTURE_CACHE)
  const remote = mode === 'off' ? undefined : resolveRemote(options.remote, env)
  return {
    dir: resolveCacheDir(options, root, env),
    root,
    workspace: findWorkspace(root),
    mode,
    refresh: parseRefresh(env.FIXTURE_CACHE_REFRESH),
    runId,
    startedAt: wallClockMs(),
    journal: journalFolder(runId),
    ...remote ? { remote } : {},
  }
}

const DEFAULT_REMOTE_TIMEOUT_MS = 500
const REMOTE_OPTION_TYPES: Record<keyof RemoteOptions, 'string' | 'boolean' | 'number'> = {
  protocol: 'string',
  url: 'string',
  token: 'string',
  team: 'string',
  signatureKey: 'string',
  write: 'boolean',
  timeout: 'number',
}

/** The remote tier's settings: env first, then the plugin option, then Turborepo's own variables. */
export function resolveRemote(options: RemoteOptions = {}, env: NodeJS.ProcessEnv): RemoteConfig | undefined {
  // An env var set to '' turns a setting off; unset falls through.
  const pick = (ours: string, option: string | undefined, turbo: string): string | undefined =>
    (env[ours] !== undefined ? env[ours] : option ?? env[turbo]) || undefined
  const fail = (problem: string): never => {
    throw new Error(`[vitest-fixture-cache] remote cache: ${problem}`)
  }
  for (const [name, value] of Object.entries(options)) {
    const expected = REMOTE_OPTION_TYPES[name as keyof RemoteOptions]
    if (!expected) fail(`unknown option remote.${name}; known options are ${Object.keys(REMOTE_OPTION_TYPES).join(', ')}`)
    // The value is not shown: it may be a token.
    else if (value !== undefined && typeof value !== expected) fail(`option remote.${name} must be a ${expected}`)
  }
  const url = pick('FIXTURE_CACHE_REMOTE_URL', options.url, 'TURBO_API')
  if (!url) return undefined
  if (!/^https?:\/\//.test(url)) fail(`FIXTURE_CACHE_REMOTE_URL (or remote.url) must be an http(s) URL, got ${JSON.stringify(url)}`)
  const protocol = (env.FIXTURE_CACHE_REMOTE_PROTOCOL || options.protocol || 'turborepo').trim().toLowerCase()
  if (protocol !== 'turborepo' && protocol !== 'bazel') fail(`FIXTURE_CACHE_REMOTE_PROTOCOL (or remote.protocol) must be turborepo or bazel, got ${JSON.stringify(protocol)}`)
  const team = pick('FIXTURE_CACHE_REMOTE_TEAM', options.team, 'TURBO_TEAM')
  if (!team && protocol === 'turborepo') fail('a team is needed: set FIXTURE_CACHE_REMOTE_TEAM (or remote.team, or TURBO_TEAM)')
  const token = pick('FIXTURE_CACHE_REMOTE_TOKEN', options.token, 'TURBO_TOKEN')
  const signatureKey = pick('FIXTURE_CACHE_REMOTE_SIGNATURE_KEY', options.signatureKey, 'TURBO_REMOTE_CACHE_SIGNATURE_KEY')
  const writeEnv = env.FIXTURE_CACHE_REMOTE_WRITE?.trim().toLowerCase()
  const write = writeEnv ? ['1', 'true', 'yes', 'on'].includes(writeEnv) : options.write === true
  const timeoutMs = options.timeout ?? DEFAULT_REMOTE_TIMEOUT_MS
  if (!(timeoutMs > 0)) fail(`remote.timeout must be a positive number of milliseconds, got ${JSON.stringify(options.timeout)}`)
  return { protocol: protocol as RemoteConfig['protocol'], url, team: team ?? '', write, timeoutMs, ...token ? { token } : {}, ...signatureKey ? { signatureKey } : {} }
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
