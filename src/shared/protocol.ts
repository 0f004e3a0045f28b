// The one boundary between the main process (plugin) and the workers (cached()).
// Everything a worker learns from the plugin travels in these shapes.
import type { KeyInput } from './key.js'
import { isBuiltin } from 'node:module'

export type CacheMode = 'on' | 'off' | 'readonly' | 'verify'

/** What the plugin provides to every worker through Vitest's `provide`/`inject`. */
export interface WorkerConfig {
  /** Absolute cache directory. */
  dir: string
  /** Absolute Vitest root: `files` patterns are relative to it. */
  root: string
  /** The git checkout or package-manager workspace holding the root: recorded reads count inside it. */
  workspace: string
  mode: CacheMode
  /** `true`: rebuild every cached fixture; a list: only those names. */
  refresh: true | string[]
  /** Identifies this run, so a refresh rebuilds once per run, not once per worker. */
  runId: string
  /** Wall-clock ms when this run started: a slot keeps every entry used since. */
  startedAt: number
  /** Folder (outside the cache dir) where workers append what they did, for the run summary. */
  journal: string
  /** A shared cache server, read after the local cache misses; written only when `write`. */
  remote?: RemoteConfig
  /**
   * The Vitest project the worker runs tests of: its fingerprint requests name it, since projects
   * may share one Vite server (Vitest 5) yet differ in setup files and `define`.
   */
  project?: string
}

/**
 * Folder fixtures' temporary folders are named with these prefixes. What lives until the run's end
 * (a worker's restored copy that uses are cloned from; `cachedDir('name', …)` copies) is in
 * `vfc-run-<run id>`, removed by the plugin when the run ends.
 */
export const TEMPORARY_FOLDER_PREFIXES = ['vfc-build-', 'vfc-dir-', 'vfc-run-'] as const
export const runFolderName = (runId: string): string => `vfc-run-${runId}`

/** A file in the run's journal folder saying the remote tier is off for the rest of the run (a server refused or failed). */
export const REMOTE_OFF_MARKER = 'remote-off'

/** A remote cache server. The token travels to workers; it is never printed. */
export interface RemoteConfig {
  /** The Turborepo remote-cache API, or the Bazel HTTP cache protocol. */
  protocol: 'turborepo' | 'bazel'
  url: string
  token?: string
  /** Turborepo's team; with Bazel, only signed into records. */
  team: string
  signatureKey?: string
  write: boolean
  timeoutMs: number
}

/** What the cache did for one fixture in one worker. */
export interface FixtureEvent {
  name: string
  /** Module that defines the fixture, relative to the Vitest root. */
  file: string
  key: string
  /** `built` in `off` mode too (nothing stored); `failed` when the factory threw. */
  outcome: 'reused' | 'built' | 'failed'
  /** Which tier served a reused value. */
  tier?: 'local' | 'remote'
  /** Why it was built: `first build`, `refresh requested`, `helper tokenize() in src/text.ts changed`, ... */
  reason?: string
  /** What the key could not see and how that was handled: `fixture db value is not data; its code counts`. */
  notes?: string[]
  /** Building took (built), or took when the entry was made (reused). */
  buildMs: number
  /** Reading and checking the stored entry (reused). */
  loadMs: number
  bytes: number
}

/** One line of the journal: a decision, a build that has started (for the progress line), a copy handed to a use, or a warning. */
export type JournalLine =
  | { type: 'event', event: FixtureEvent }
  | { type: 'building', name: string, startedAt: number }
  | { type: 'copy', name: string, file: string, key: string, ms: number, frozen?: true }
  | { type: 'warning', message: string }
  /** An entry built and stored locally: the main process shares it with the remote tier at the run's end. */
  | { type: 'stored', name: string, file: string, node: string, key: string, id: string, buildMs: number }

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
  /** Fixtures the factory destructures from its context. */
  deps: string[]
  /**
   * Asks the main process for the digests of the code each `cached()` call of this module depends
   * on: one request per module, not per fixture (hundreds of fixtures would otherwise queue that
   * many round trips). The plugin writes it as an `import()` of a virtual module, so the request
   * travels over Vitest's own module channel and the plugin's `load` hook answers it. The run id
   * makes each run (a watch mode rerun too) ask afresh instead of reusing a module evaluated before.
   */
  fingerprint: (runId: string) => Promise<{ default: ModuleCodeInputs }>
  /**
   * The variables of the functions and blocks around the call that the factory reads (a
   * `describe.each` parameter, a loop variable), read when the value is keyed: their values join the key.
   */
  closure?: () => Record<string, unknown>
}

/** A module's call sites by `siteId`: what each depends on, or why that could not be found. */
export type ModuleCodeInputs = Record<string, CodeInputs | { error: string }>

/** A call site within its module: same-named calls are told apart by their order. */
export function siteId(name: string, occurrence: number): string {
  return `${name}#${occurrence}`
}

/** The main process's answer to a fingerprint request. */
export interface CodeInputs {
  /** Digests of the code reached, by what it is: `factory`, `helper tokenize() in src/text.ts`, `package sql.js`, ... */
  inputs: KeyInput[]
  /** Local modules the factory reaches (relative to the Vitest root) and packages (`package sql.js`): a mock of one changes the value. */
  modules: string[]
  /** The code of each fixture the factory receives: counts only where the fixture's value cannot be digested. */
  fixtures: Record<string, KeyInput[]>
  /**
   * Environment variables the code reached reads by name, outside the factory itself (a module's
   * `const SEED = process.env.SEED` runs at import, where nothing records it): input name → variable.
   * Digested where the value is built, since `test.env` sets variables in workers only.
   */
  env: Record<string, string>
  /**
   * What the code reached reads of the machine, outside the factory itself (a module's
   * `const WINDOWS = process.platform === 'win32'`): input name → machine fact, digested in the worker.
   */
  machine: Record<string, string>
  /**
   * Globals the code reached reads (`SCALE`, `globalThis.SCALE`: names no module declares or
   * imports): a test file may set them (`globalThis.SCALE = 2`, `vi.stubGlobal`), so their values
   * are digested where the value is built. Some are locals of the code: an extra name costs nothing.
   */
  globals?: string[]
  /**
   * Globals the project's setup files name (`globalThis.client = new Client()`): their code counts
   * already, so one of these that is not data counts by its class, as one there before the test file ran.
   */
  setupGlobals?: string[]
  /**
   * Module bindings reached whose value code elsewhere may set (`export let settings`, set by
   * `loadSettings()` in a hook or setup file from a file): digested by value where the value is
   * built. `module` is labelled as in `modules`, `name` is its export.
   */
  state?: Array<{ input: string, module: string, name: string }>
}

export const PROVIDE_KEY = 'vitest-fixture-cache'

/**
 * How a reached Node builtin is named among a factory's modules (`node:fs`, whether imported as
 * `fs` or `node:fs`): a test file that mocks it (`vi.mock('node:fs', …)`, memfs) changes the value.
 * Undefined when the id is not a builtin.
 */
export function builtinModuleLabel(id: string): string | undefined {
  const path = id.split('?')[0]!
  // `node:test` and `node:sqlite` exist only with the prefix: a package may be called `test`.
  return isBuiltin(path) ? `node:${path.replace(/^node:/, '')}` : undefined
}

/** What Vitest puts in every test context: never a fixture, never searched for, never a value to chain on. */
export const CONTEXT_BUILTINS: ReadonlySet<string> = new Set(['task', 'expect', 'skip', 'signal', 'onTestFailed', 'onTestFinished', 'annotate'])

/** Set on globalThis by the CLI's `status` before it starts Vitest: the plugin then starts no run of its own. */
export const DRY_RUN = Symbol.for('vitest-fixture-cache.dry-run')

// The main process's copy of what workers are given, for cachedValue() in a globalSetup file.
const MAIN_PROCESS_CONFIG = Symbol.for('vitest-fixture-cache.main-process-config')

export function setMainProcessConfig(config: WorkerConfig): void {
  (globalThis as Record<symbol, unknown>)[MAIN_PROCESS_CONFIG] = config
}

export function mainProcessConfig(): WorkerConfig | undefined {
  return (globalThis as Record<symbol, unknown>)[MAIN_PROCESS_CONFIG] as WorkerConfig | undefined
}

/** The virtual module a worker imports to ask for a call site's code inputs. */
export const FINGERPRINT_MODULE = 'virtual:vitest-fixture-cache/fingerprint'

/** The module id without its run: `&run=<id>` (and `&project=<name>`) is appended by the worker. */
export function fingerprintModuleId(file: string): string {
  return `${FINGERPRINT_MODULE}?${new URLSearchParams({ file })}`
}

/** What follows `&run=` in a worker's fingerprint request: the run, then the project that asks. */
export function fingerprintQuery(config: WorkerConfig): string {
  return config.project === undefined ? config.runId : `${config.runId}&${new URLSearchParams({ project: config.project })}`
}

/** The module whose call sites a fingerprint module id asks about, and the project asking. */
export function parseFingerprintModuleId(id: string): { file: string, project?: string } | null {
  const [path, search] = id.split('?')
  if (!path?.endsWith(FINGERPRINT_MODULE) || search === undefined) return null
  const query = new URLSearchParams(search)
  const file = query.get('file')
  if (file === null) return null
  const project = query.get('project')
  return project === null ? { file } : { file, project }
}

declare module 'vitest' {
  export interface ProvidedContext {
    'vitest-fixture-cache': WorkerConfig
  }
}
