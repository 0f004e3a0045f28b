// Re-checking what a factory was recorded reading: a hit in a worker and the dry run (`status`)
// in the main process ask the same question, whether each recorded input is what it was.
import type { KeyInput } from './key.js'
import type { CodeInputs } from './protocol.js'
import type { Dirent } from 'node:fs'
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { serialize } from 'node:v8'
import { contentDigest, digest } from './digest.js'

/** Where recorded reads count: the workspace, less what belongs to packages and to the cache itself. */
export interface RecordScope {
  /** The git checkout or package-manager workspace that holds the Vitest root. */
  workspace: string
  /** Folders whose reads are never inputs (the cache dir, the run's journal). */
  ignored: string[]
}

/**
 * The scope of a run's recording: its workspace, less its cache dir, its journal and where
 * cachedDir() folders are made (a dependent that reads its upstream's copy reads a value already
 * chained on, at a path new for every use).
 */
export function recordScope(config: { workspace: string, dir: string, journal: string }): RecordScope {
  const copies = process.env.FIXTURE_CACHE_COPY_DIR
  return { workspace: config.workspace, ignored: [config.dir, config.journal, ...copies ? [resolve(copies)] : []] }
}

/**
 * What a recorded file use was: its content read, a folder listed, a path checked (what it is),
 * inspected (what it is, and a file's size: `statSync(path).size`), or resolved (where a link
 * leads: `realpathSync`, `readlinkSync`).
 */
export type ReadKind = 'content' | 'listing' | 'exists' | 'stat' | 'resolved'

const RECORDED_FILE = /^(file|folder|path|module) (.+?)\/? (read|listed|checked|inspected|resolved|written|imported) by the factory$/
const RECORDED_ENV = /^env (.+) read by the factory$/
const RECORDED_PROVIDED = /^inject\('(.+)'\) read by the factory$/
const RECORDED_MACHINE = /^(.+) used by the factory$/

/**
 * What a value can depend on beyond files and env vars: the machine, and the process's time zone
 * (`TZ`, else the system's) and default locale (`LANG`, `LC_ALL`, else the system's), read as they
 * are now. A machine's own facts matter where entries are shared (the remote tier); fleeting ones
 * (free memory, load, uptime, a CPU's times) are not among them, nor the temp dir (a scratch place).
 */
const MACHINE_FACTS = {
  'time zone': () => new Intl.DateTimeFormat().resolvedOptions().timeZone,
  'locale': () => new Intl.DateTimeFormat().resolvedOptions().locale,
  'process.platform': () => process.platform,
  'process.arch': () => process.arch,
  'os.EOL': () => os.EOL,
  'os.platform()': () => os.platform(),
  'os.arch()': () => os.arch(),
  'os.type()': () => os.type(),
  'os.release()': () => os.release(),
  'os.version()': () => os.version(),
  'os.machine()': () => os.machine(),
  'os.endianness()': () => os.endianness(),
  'os.homedir()': () => os.homedir(),
  'os.hostname()': () => os.hostname(),
  'os.userInfo()': () => JSON.stringify(os.userInfo()),
  'os.cpus()': () => JSON.stringify(os.cpus().map(cpu => cpu.model)),
  'os.availableParallelism()': () => os.availableParallelism(),
  'os.totalmem()': () => os.totalmem(),
} satisfies Record<string, () => unknown>

export type MachineFact = keyof typeof MACHINE_FACTS

export const isMachineFact = (name: string): name is MachineFact => Object.hasOwn(MACHINE_FACTS, name)

/**
 * What the reached code reads by name at import (env vars, machine facts), as inputs with their
 * values as this process sees them now: a worker keys on them, the dry run compares them.
 */
export function readByNameInputs(code: Pick<CodeInputs, 'env' | 'machine'>): KeyInput[] {
  return [
    ...Object.entries(code.env).map(([name, variable]) => ({ name, digest: envDigest(variable) })),
    ...Object.entries(code.machine).map(([name, fact]) => ({ name, digest: isMachineFact(fact) ? machineDigest(fact) : 'unknown' })),
  ]
}

/** The name of a recorded use of a machine fact: `time zone used by the factory`. */
export const machineInputName = (fact: MachineFact): string => `${fact} used by the factory`

/** A machine fact's digest as this process sees it now (a `TZ` set at run time counts). */
export function machineDigest(fact: MachineFact): string {
  try {
    return digest(String(MACHINE_FACTS[fact]()))
  }
  catch {
    return 'unavailable'
  }
}

/**
 * An entry whose value holds the workspace's path where it cannot be rewritten (binary, or running
 * on into other text) is tied to the folder: it counts as an input, checked like the others.
 */
export const PROJECT_FOLDER_INPUT = 'project folder (the value holds absolute paths)'

export function projectFolderInput(workspace: string): KeyInput {
  return { name: PROJECT_FOLDER_INPUT, digest: digest(workspace) }
}

/**
 * A factory that read a relative path or asked for `process.cwd()` used the working directory:
 * run from another folder of the workspace (`cd packages/a && vitest` against `vitest --root
 * packages/a`), it reads other files. Its digest is the folder relative to the workspace, so a moved
 * or cloned project still matches.
 */
export const WORKING_DIRECTORY_INPUT = 'working directory used by the factory'

export function workingDirectoryDigest(workspace: string, cwd = process.cwd()): string {
  return digest(relative(workspace, cwd).split(sep).join('/'))
}

/** The name of a provided value's recorded read, as the factory wrote it: `inject('dbUrl') read by the factory`. */
export const providedInputName = (key: string): string => `inject('${key}') read by the factory`

/**
 * Whether only a test worker can tell what a recorded input is now: a provided value (it exists
 * once the run's globalSetup has run), the environment's names (Vitest adds its own in workers).
 */
export const onlyWorkersCheck = (name: string): boolean => name === ENV_NAMES_INPUT || RECORDED_PROVIDED.test(name)

/** The recorded inputs whose digest differs now: empty when the entry may be reused. */
export function changedRecordedInputs(recorded: readonly KeyInput[], scope: RecordScope): string[] {
  return recorded.filter(input => currentDigest(input.name, scope) !== input.digest).map(input => input.name)
}

/** The digest a recorded input has now (its name says what it is). */
function currentDigest(name: string, scope: RecordScope): string | undefined {
  if (name === ENV_NAMES_INPUT) return envNamesDigest()
  if (name === WORKING_DIRECTORY_INPUT) return workingDirectoryDigest(scope.workspace)
  if (name === PROJECT_FOLDER_INPUT) return projectFolderInput(scope.workspace).digest
  const env = RECORDED_ENV.exec(name)
  if (env) return envDigest(env[1]!)
  const provided = RECORDED_PROVIDED.exec(name)
  if (provided) return providedDigest(provided[1]!)
  const machine = RECORDED_MACHINE.exec(name)
  if (machine && isMachineFact(machine[1]!)) return machineDigest(machine[1])
  const file = RECORDED_FILE.exec(name)
  if (!file) return undefined
  const use: ReadKind = file[1] === 'file' || file[1] === 'module' ? 'content' : file[1] === 'folder' ? 'listing' : file[3] === 'inspected' ? 'stat' : file[3] === 'resolved' ? 'resolved' : 'exists'
  return digestOf(use, resolve(scope.workspace, file[2]!))
}

export function digestOf(use: ReadKind, path: string): string {
  try {
    // Content first without a stat: a hit checks every recorded file, and most are files.
    if (use === 'content') return contentDigest(readFileSync(path))
    if (use === 'listing') return listingDigest(path)
    // Where it leads from its own folder: the same in a moved or cloned project.
    if (use === 'resolved') return digest(relative(dirname(path), realpathSync(path)))
    const stats = statSync(path, { throwIfNoEntry: false })
    // A size, not a time: a clone or a checkout gives every file a new mtime.
    if (use === 'stat' && stats?.isFile()) return `file of ${stats.size} bytes`
    return !stats ? 'missing' : stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other'
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing'
    if (code === 'EISDIR') return listingDigest(path)
    return `unreadable ${code}`
  }
}

function listingDigest(path: string): string {
  return digestOfEntries(readdirSync(path, { withFileTypes: true }))
}

function digestOfEntries(entries: readonly Dirent[]): string {
  return digest(...entries.map(entry => `${entry.name}${entry.isDirectory() ? '/' : ''}`).sort())
}

/**
 * A folder and every folder under it (not into node_modules, whose files never count), each with
 * the digest of its listing, as a recursive listing read them: one read per folder. The files
 * found on the way go into `files`, when given (a folder copied: their contents count too).
 */
export function treeListings(root: string, files?: string[]): Array<[folder: string, digest: string]> {
  const listings: Array<[string, string]> = []
  const pending = [root]
  for (let folder = pending.pop(); folder !== undefined; folder = pending.pop()) {
    let entries: Dirent[]
    try {
      entries = readdirSync(folder, { withFileTypes: true })
    }
    catch {
      listings.push([folder, digestOf('listing', folder)])
      continue
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') pending.push(join(folder, entry.name))
      }
      else {
        files?.push(join(folder, entry.name))
      }
    }
    listings.push([folder, digestOfEntries(entries)])
  }
  return listings
}

/** Set per worker by Vitest: they differ between workers of one run and say nothing about a value. */
export const WORKER_ENV: ReadonlySet<string> = new Set(['VITEST_WORKER_ID', 'VITEST_POOL_ID'])

/** A factory that chose among the environment's names (`Object.keys(process.env).filter(…)`) depends on them. */
export const ENV_NAMES_INPUT = 'env names listed by the factory'

/**
 * The environment's names, without those that say how the run was started rather than what a
 * value can depend on: Vitest's per-worker ones, the cache's own flags, npm's script variables and
 * the shell's last command (`_`).
 */
export function envNamesDigest(names: readonly string[] = Object.keys(process.env)): string {
  return digest(...names.filter(name => !WORKER_ENV.has(name) && name !== '_' && !name.startsWith('FIXTURE_CACHE') && !name.startsWith('npm_')).sort())
}

export function envDigest(name: string): string {
  return envValueDigest(process.env[name])
}

export function envValueDigest(value: string | undefined): string {
  return value === undefined ? 'unset' : digest(value)
}

/** What the package reads of Vitest's state in a test worker (not public API, read by shape). */
export interface VitestWorkerState {
  providedContext?: Record<string, unknown>
  /** The module runner's modules (Vite's `EvaluatedModules`): what the test's code has imported so far. */
  evaluatedModules?: { idToModuleMap: Map<string, EvaluatedModule> }
  ctx?: { environment?: { options?: unknown } }
  config?: { environmentOptions?: unknown }
}

/** A module as Vite's module runner holds it: its file, whether it ran, the ids it imports. */
export interface EvaluatedModule {
  file?: string
  evaluated?: boolean
  imports?: Set<string>
}

/** Vitest's state in a test worker; undefined in the main process. */
export function workerState(): VitestWorkerState | undefined {
  return (globalThis as { __vitest_worker__?: VitestWorkerState }).__vitest_worker__
}

/** A provided value's digest in this worker (it is data: Vitest sends it to workers serialized). */
export function providedDigest(key: string): string {
  const provided = workerState()?.providedContext
  if (!provided) return 'unknown outside a test worker'
  const value = provided[key]
  if (value === undefined) return 'unset'
  try {
    return digest(serialize(value))
  }
  catch {
    return 'not serializable'
  }
}
