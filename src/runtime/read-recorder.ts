// Records what a factory reads while it builds, as Go's test cache does (internal/testlog): the
// files it opens, lists or checks through node:fs, the environment variables and provided values
// it reads, and what it uses of the machine (time zone, locale, platform, home folder…).
// Each build runs in its own AsyncLocalStorage context, so concurrent builds in a worker never mix.
import fs from 'node:fs'
import os from 'node:os'
import { AsyncLocalStorage } from 'node:async_hooks'
import Module, { syncBuiltinESMExports } from 'node:module'
import { isAbsolute, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { contentDigest } from '../shared/digest.js'
import { PROVIDE_KEY } from '../shared/protocol.js'
import { envNamesDigest, envValueDigest, machineDigest, WORKER_ENV, workerState } from '../shared/recorded-check.js'
import type { EvaluatedModule, MachineFact, ReadKind } from '../shared/recorded-check.js'

/** How a path was used: its content, its listing, or only whether (and as what) it exists. */

export interface Recording {
  /** Absolute path → the ways it was read, as bits of `USES` (a Set per file costs a read a third more). */
  files: Map<string, number>
  /** Digests of file contents taken from what readFile returned: no second read, and the content the factory saw. */
  contentDigests: Map<string, string>
  /**
   * Texts read and not digested yet, as path, text, path, text…: hashed one after another when the
   * build returns, a third cheaper than between the factory's own work. (Texts only: a Buffer
   * handed to the factory may be changed by it.) Undefined once the build returned.
   */
  texts?: string[]
  /** The length of those texts, kept under `TEXTS_KEPT`. */
  textsLength: number
  /** Env var → the digest of its value when the build first read it (a factory may set it after). */
  env: Map<string, string>
  /** The digest of the environment's names, when it chose among them (listed it without reading it through). */
  envNames?: string
  /** Env vars it set or deleted, with their value before: read after, they are its own (`process.env.TZ = 'UTC'`), as files it wrote are. */
  envWritten: Map<string, string | undefined>
  /** Keys of values the run provides (`inject('dbUrl')`: `provide` in the config or a globalSetup). */
  provided: Set<string>
  /** Paths the factory wrote, made or removed: its own outputs, never its inputs. */
  outputs: Set<string>
  /** What it used of the machine (the time zone or the default locale: a date in local time, text by locale; the platform, the home folder…), with its digest at first use. */
  machine: Map<MachineFact, string>
  /** The working directory as the build found it, when it used it (a relative path, `process.cwd()`). */
  cwd?: string
  /** Ids of the modules first run while it built (Vite's module runner), set when it returns. */
  imported: string[]
  /** Cached values it obtained while it built (`cachedValue('words', …)` inside its factory). */
  nested?: Set<string>
  /** Programs it ran in child processes, whose reads are not seen. */
  children?: Set<string>
}

/**
 * The bit of each way a path can be read; `tree`, a folder listed with everything under it
 * (`readdir(path, { recursive: true })`); `copied`, a file or folder copied with everything in it
 * (`cp`: on Node 22 it reads natively, where no read of its files is seen).
 */
export const USES: Record<Read, number> = { content: 1, listing: 2, exists: 4, stat: 8, tree: 16, copied: 32, resolved: 64 }

type Read = ReadKind | 'tree' | 'copied'

// One storage per process, whatever copy of this module or realm runs it (Vitest's vm pools give
// each test file a context of its own, while node:fs, node:os and process are the process's): a
// wrapper installed by one records the builds of every other.
// `cwd` is the process's own function, from before it was wrapped: asking it is no use by a factory.
interface SharedRecorder { storage: AsyncLocalStorage<Recording>, envs: WeakSet<object>, cwd: () => string }
const RECORDER = Symbol.for('vitest-fixture-cache.read-recorder')
const recorder: SharedRecorder = ((process as { [RECORDER]?: SharedRecorder })[RECORDER] ??= { storage: new AsyncLocalStorage(), envs: new WeakSet(), cwd: process.cwd })
// (One made by an earlier version of this package, which wraps no cwd, lacks it.)
recorder.cwd ??= process.cwd
const storage = recorder.storage
// Installed once per realm: each has its own Date and Intl.
const INSTALLED = Symbol.for('vitest-fixture-cache.read-recorder.installed')

/**
 * Notes that a cached value is obtained while another one builds: a reuse of the outer entry would
 * never ask for it again, so a change it would see (its files, a refresh) could not reach the outer.
 */
export function noteNestedValue(name: string): void {
  const recording = storage.getStore()
  if (recording) (recording.nested ??= new Set()).add(name)
}

/** Notes that the build ran a program in a child process (`cp`, `node seed.js`): what it read is not seen. */
export function noteChildProcess(program: string): void {
  const recording = storage.getStore()
  if (recording && program) (recording.children ??= new Set()).add(program)
}

/** Runs a factory with its reads recorded. */
export async function recordReads<T>(build: () => T | Promise<T>): Promise<{ value: T, recording: Recording }> {
  install()
  // A setup file or a test may have put a plain value in place since (`Object.defineProperty(process, 'platform', …)`).
  recordEnvReads()
  recordMachineProperties()
  recordProvidedReads()
  const recording: Recording = { files: new Map(), contentDigests: new Map(), texts: [], textsLength: 0, env: new Map(), envWritten: new Map(), provided: new Set(), outputs: new Set(), machine: new Map(), imported: [] }
  const modules = workerState()?.evaluatedModules?.idToModuleMap
  const ranBefore = modules && new Set(idsRun(modules))
  building++
  try {
    const value = await storage.run(recording, build)
    digestTexts(recording)
    if (modules && ranBefore) recording.imported = idsRun(modules).filter(id => !ranBefore.has(id))
    return { value, recording }
  }
  finally {
    // On Node < 24 a storage in use makes every promise of the worker pay a hook, the test's too:
    // off between builds.
    if (--building === 0) storage.disable()
  }
}

let building = 0

function idsRun(modules: ReadonlyMap<string, EvaluatedModule>): string[] {
  const ids: string[] = []
  for (const [id, module] of modules) {
    if (module.evaluated) ids.push(id)
  }
  return ids
}

/**
 * The files of the modules a build imported that its code does not name: an `import()` of a path
 * computed at run time, which no analysis follows, and which the module runner fetches from the
 * main process, where no read is recorded. With what they import in turn (run before or not), up
 * to the modules `covered` says the key already holds.
 */
export function filesImported(recording: Recording, covered: (file: string) => boolean): string[] {
  const modules = workerState()?.evaluatedModules?.idToModuleMap
  if (!modules || !recording.imported.length) return []
  const files = new Set<string>()
  const seen = new Set<string>()
  const pending = [...recording.imported]
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    const module = modules.get(id)
    if (seen.has(id) || !module?.file || covered(module.file)) continue
    seen.add(id)
    files.add(module.file)
    pending.push(...module.imports ?? [])
  }
  return [...files]
}

/** Wraps node:fs, process.env and the machine's facts once per realm (the process's objects once); outside a recorded build a wrapper only forwards. */
export function install(): void {
  const realm = globalThis as { [INSTALLED]?: true }
  if (realm[INSTALLED]) return
  realm[INSTALLED] = true
  const promises = fs.promises as unknown as Record<string, unknown>
  const callbacks = fs as unknown as Record<string, unknown>
  wrapReadFileSync(callbacks)
  wrapReadFile(callbacks, 'readFile', (read, digest, args) => {
    const done = args.at(-1)
    if (typeof done === 'function') args[args.length - 1] = (error: unknown, data: unknown) => done(error, error ? data : digest(data))
    return read()
  })
  wrapReadFile(promises, 'readFile', (read, digest) => (read() as Promise<unknown>).then(digest))
  for (const target of [callbacks, promises]) {
    for (const method of ['createReadStream', 'openAsBlob']) wrap(target, method, 'content')
    for (const method of ['open', 'openSync']) wrap(target, method, 'open')
    for (const method of ['readdir', 'readdirSync', 'opendir', 'opendirSync']) wrap(target, method, 'listing')
    for (const method of ['stat', 'statSync', 'lstat', 'lstatSync']) wrap(target, method, 'stat')
    for (const method of ['exists', 'existsSync', 'access', 'accessSync']) wrap(target, method, 'exists')
    for (const method of ['realpath', 'realpathSync', 'readlink', 'readlinkSync']) wrap(target, method, 'resolved')
    for (const method of ['writeFile', 'writeFileSync', 'appendFile', 'appendFileSync', 'createWriteStream', 'mkdir', 'mkdirSync', 'rm', 'rmSync', 'rmdir', 'rmdirSync', 'unlink', 'unlinkSync', 'truncate', 'truncateSync']) wrap(target, method, 'output')
    for (const method of ['rename', 'renameSync']) wrap(target, method, 'output', 2)
    for (const method of ['copyFile', 'copyFileSync']) wrap(target, method, 'copy')
    for (const method of ['cp', 'cpSync']) wrap(target, method, 'copy tree')
  }
  recordRequires()
  recordMachine()
  // Named imports of node:fs and node:os in ES modules see the wrappers too.
  syncBuiltinESMExports()
  recordEnvReads()
}

/**
 * process.env, wrapped; and every object assigned to it later too: tests that reset the
 * environment assign a copy (`process.env = { ...OLD_ENV }` in a `beforeEach`, a Jest habit).
 */
function recordEnvReads(): void {
  const descriptor = Object.getOwnPropertyDescriptor(process, 'env')
  if (!descriptor?.configurable || !('value' in descriptor)) return
  const recorded = (env: unknown): unknown => {
    if (typeof env !== 'object' || env === null || recorder.envs.has(env)) return env
    const proxy = recordedEnv(env as NodeJS.ProcessEnv)
    recorder.envs.add(proxy)
    return proxy
  }
  let env = recorded(descriptor.value)
  Object.defineProperty(process, 'env', {
    configurable: true,
    enumerable: true,
    get: () => env,
    set: (next: unknown) => {
      env = recorded(next)
    },
  })
}

// Builtins whose result depends on the process's time zone or default locale: their methods, and
// `Date` itself (`recordLocalDates`).
const LOCAL_TIME_METHODS = ['getFullYear', 'getMonth', 'getDate', 'getDay', 'getHours', 'getMinutes', 'getSeconds', 'getMilliseconds', 'getTimezoneOffset', 'getYear', 'setFullYear', 'setMonth', 'setDate', 'setHours', 'setMinutes', 'setSeconds', 'setMilliseconds', 'setYear', 'toString', 'toDateString', 'toTimeString']
// (An Intl service this Node lacks is skipped.)
const localeMethods = (): Array<[object | undefined, string[]]> => [
  [String.prototype, ['localeCompare', 'toLocaleUpperCase', 'toLocaleLowerCase']],
  [Number.prototype, ['toLocaleString']],
  [BigInt.prototype, ['toLocaleString']],
  [Intl.NumberFormat?.prototype, ['format', 'formatToParts', 'formatRange', 'formatRangeToParts', 'resolvedOptions']],
  [Intl.Collator?.prototype, ['compare', 'resolvedOptions']],
  [Intl.PluralRules?.prototype, ['select', 'selectRange', 'resolvedOptions']],
  [Intl.RelativeTimeFormat?.prototype, ['format', 'formatToParts', 'resolvedOptions']],
  [Intl.ListFormat?.prototype, ['format', 'formatToParts', 'resolvedOptions']],
  [Intl.Segmenter?.prototype, ['segment', 'resolvedOptions']],
  [Intl.DisplayNames?.prototype, ['of', 'resolvedOptions']],
]
// (`resolvedOptions()` says the locale and time zone themselves: `Intl.DateTimeFormat().resolvedOptions().timeZone`.)
const zonedLocaleMethods = (): Array<[object | undefined, string[]]> => [
  [Date.prototype, ['toLocaleString', 'toLocaleDateString', 'toLocaleTimeString']],
  [Intl.DateTimeFormat?.prototype, ['format', 'formatToParts', 'formatRange', 'formatRangeToParts', 'resolvedOptions']],
]

// What a machine fact is read through: functions of node:os, properties of process and node:os.
const OS_FUNCTIONS = ['platform', 'arch', 'type', 'release', 'version', 'machine', 'endianness', 'homedir', 'hostname', 'userInfo', 'cpus', 'availableParallelism', 'totalmem'] as const
const PROPERTIES: Array<[object, string, MachineFact]> = [[process, 'platform', 'process.platform'], [process, 'arch', 'process.arch'], [os, 'EOL', 'os.EOL']]

// Taken at first use, as env values are: a factory that sets an env default used the machine as
// it found it. (Outside the build: taking the locale calls `resolvedOptions()`, itself a use.)
const uses = (...facts: MachineFact[]) => (): void => {
  const recording = storage.getStore()
  if (!recording) return
  for (const fact of facts) {
    // Node follows process.env.TZ as it changes: a zone the factory set is its own.
    if (recording.machine.has(fact) || (fact === 'time zone' && recording.envWritten.has('TZ'))) continue
    recording.machine.set(fact, storage.exit(() => machineDigest(fact)))
  }
}

// What `require()` goes through (`createRequire`, the `require` Vitest gives a module): not public API,
// but stable since Node's first release and what require hooks patch.
interface ModuleLoader {
  _load: (request: string, parent: unknown, isMain: boolean) => unknown
  _resolveFilename: (request: string, parent: unknown, isMain: boolean) => string
  _cache: Record<string, LoadedModule | undefined>
}
interface LoadedModule { filename?: string, children?: LoadedModule[] }

/**
 * A module `require()`d for the first time is read through node:fs, which records it; one already
 * loaded (by an earlier build, or the test file) comes from the cache without a read. Its files,
 * and those of the local modules it loaded, are what the build got: they count as read.
 */
function recordRequires(): void {
  const loader = Module as unknown as ModuleLoader
  const load = loader._load
  if (typeof load !== 'function' || (load as { [WRAPPED]?: true })[WRAPPED]) return
  loader._load = standIn(function (this: unknown, request: string, parent: unknown, isMain: boolean): unknown {
    const recording = storage.getStore()
    if (recording) storage.exit(() => noteLoadedModule(recording, loader, request, parent, isMain))
    return load.call(this, request, parent, isMain)
  }, load)
}

function noteLoadedModule(recording: Recording, loader: ModuleLoader, request: string, parent: unknown, isMain: boolean): void {
  let loaded: LoadedModule | undefined
  try {
    loaded = loader._cache[loader._resolveFilename(request, parent, isMain)]
  }
  catch {
    return // not found: the load itself fails, and says so
  }
  const seen = new Set<LoadedModule>()
  const pending = loaded ? [loaded] : []
  for (let module = pending.pop(); module; module = pending.pop()) {
    if (seen.has(module) || !module.filename) continue
    seen.add(module)
    notePath(recording, module.filename, 'content')
    // A package's modules count by its version, not its files.
    if (!module.filename.includes(`${sep}node_modules${sep}`)) pending.push(...module.children ?? [])
  }
}

/** Notes a build's use of the machine (its time zone, its locale, its platform…), as it notes an env read. */
function recordMachine(): void {
  for (const method of LOCAL_TIME_METHODS) wrapUse(Date.prototype, method, uses('time zone'))
  for (const [target, methods] of localeMethods()) for (const method of methods) wrapUse(target, method, uses('locale'))
  for (const [target, methods] of zonedLocaleMethods()) for (const method of methods) wrapUse(target, method, uses('time zone', 'locale'))
  for (const name of OS_FUNCTIONS) wrapUse(os, name, uses(`os.${name}()`))
  // (path.resolve() of a relative path asks process.cwd() too.) A factory that changes directory
  // used the one it found, as a zone it sets is its own.
  const usesWorkingDirectory = (): void => {
    const recording = storage.getStore()
    if (recording) noteWorkingDirectory(recording)
  }
  wrapUse(process, 'cwd', usesWorkingDirectory)
  wrapUse(process, 'chdir', usesWorkingDirectory)
  recordLocalDates()
  recordMachineProperties()
}

/**
 * A date made from local parts (`new Date(2024, 0, 15)`, a seed's usual `createdAt`) or parsed from
 * a text without an offset is a different instant in another time zone, even when only
 * `toISOString()` reads it: `Date` and `Date.parse` note the zone then. `Date` is replaced by a
 * function, not a Proxy (a tenth of the cost per `new Date()` everywhere in the worker), that makes
 * the realm's own dates: `instanceof`, `constructor` and subclasses see one `Date`.
 */
function recordLocalDates(): void {
  const Original = globalThis.Date
  if ((Original as { [WRAPPED]?: true })[WRAPPED]) return
  const zoneUse = uses('time zone')
  const RecordedDate = function (this: unknown, ...args: unknown[]): unknown {
    if (!new.target) {
      // `Date()` is the local time as text.
      zoneUse()
      return Original()
    }
    if (args.length > 1 || (args.length === 1 && readsLocalTime(args[0]))) zoneUse()
    return new.target === RecordedDate ? new (Original as unknown as new (...parts: unknown[]) => Date)(...args) : Reflect.construct(Original, args, new.target)
  }
  standIn(RecordedDate, Original)
  Object.defineProperty(Original, WRAPPED, { value: true })
  Object.defineProperty(Original.prototype, 'constructor', { ...Object.getOwnPropertyDescriptor(Original.prototype, 'constructor'), value: RecordedDate })
  const parse = Original.parse
  Object.defineProperty(RecordedDate, 'parse', {
    ...Object.getOwnPropertyDescriptor(Original, 'parse'),
    value: standIn(function (this: unknown, text: unknown): number {
      if (readsLocalTime(text)) zoneUse()
      return parse.call(this, text as string)
    }, parse),
  })
  Object.defineProperty(globalThis, 'Date', { ...Object.getOwnPropertyDescriptor(globalThis, 'Date'), value: RecordedDate })
}

/**
 * Whether a date text is read in the local time zone: date-time forms without an offset are, and
 * so is any other text without one; ISO dates alone (`2024-01-15`) and texts with `Z`, an offset or
 * `GMT` are not. In doubt it is: the cost is a rebuild when the zone changes.
 */
function readsLocalTime(text: unknown): boolean {
  if (typeof text !== 'string') return typeof text === 'object' && text !== null && !(text instanceof globalThis.Date)
  const trimmed = text.trim()
  return !(/^[+-]?\d{4,6}(?:-\d\d){0,2}$/.test(trimmed) || /(?:\d[Zz]|[+-]\d\d:?\d\d)$/.test(trimmed) || /\b(?:GMT|UTC|UT)\b/i.test(trimmed))
}

/** process.platform, process.arch, os.EOL: a getter that notes the read, in place of each plain value. */
function recordMachineProperties(): void {
  for (const [target, name, fact] of PROPERTIES) {
    const descriptor = Object.getOwnPropertyDescriptor(target, name)
    if (!descriptor || !('value' in descriptor) || !descriptor.configurable) continue
    const use = uses(fact)
    let value: unknown = descriptor.value
    Object.defineProperty(target, name, {
      enumerable: descriptor.enumerable,
      configurable: true,
      get: () => {
        use()
        return value
      },
      // A test that stubs the platform still can.
      set: (next: unknown) => {
        value = next
      },
    })
  }
}

/** Calls `use` before a method (or, for `format` and `compare`, the getter that hands out a bound function). */
function wrapUse(target: object | undefined, method: string, use: () => void): void {
  const descriptor = target && Object.getOwnPropertyDescriptor(target, method)
  const original = descriptor?.get ?? descriptor?.value
  if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED]) return
  const wrapper = standIn(function (this: unknown, ...args: unknown[]): unknown {
    use()
    return (original as (...args: unknown[]) => unknown).apply(this, args)
  }, original)
  Object.defineProperty(target, method, descriptor!.get ? { ...descriptor, get: wrapper } : { ...descriptor, value: wrapper })
}

type Use = ReadKind | 'open' | 'output' | 'copy' | 'copy tree'

// Shared by every copy of this module in the process: a function is wrapped once.
export const WRAPPED = Symbol.for('vitest-fixture-cache.recorded')

function wrap(target: Record<string, unknown>, method: string, use: Use, paths = 1): void {
  const original = target[method]
  if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED]) return
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const recording = storage.getStore()
    if (recording) {
      if (use === 'copy' || use === 'copy tree') {
        note(recording, args[0], use === 'copy' ? 'content' : 'copied')
        note(recording, args[1], 'output')
      }
      else if (use === 'open') {
        note(recording, args[0], opensForWriting(args[1]) ? 'output' : 'content')
      }
      else {
        const read = use === 'listing' && (args[1] as { recursive?: unknown } | undefined)?.recursive === true ? 'tree' : use
        for (let index = 0; index < paths; index++) note(recording, args[index], read)
      }
    }
    return (original as (...args: unknown[]) => unknown).apply(this, args)
  }
  replace(target, method, original, wrapper)
}

function replace(target: Record<string, unknown>, method: string, original: unknown, wrapper: (...args: unknown[]) => unknown): void {
  target[method] = standIn(wrapper, original)
}

/** The wrapper, looking like the original to callers, and marked so it is never wrapped twice. */
export function standIn<T extends (...args: any[]) => unknown>(wrapper: T, original: unknown): T {
  // Keep what callers look up on the function (`util.promisify.custom` on fs.exists, `.native`, its name).
  Object.defineProperties(wrapper, Object.getOwnPropertyDescriptors(original))
  return Object.defineProperty(wrapper, WRAPPED, { value: true })
}

/** Calls the original read; `digest` keeps the digest of what it returned and passes it on. */
type ReadFileHook = (read: () => unknown, digest: (data: unknown) => unknown, args: unknown[]) => unknown

/** readFile in its two asynchronous forms: the content read is digested on its way back to the factory. */
function wrapReadFile(target: Record<string, unknown>, method: string, hook: ReadFileHook): void {
  const original = target[method] as (...args: unknown[]) => unknown
  if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED]) return
  const wrapper = function (this: unknown, ...args: unknown[]): unknown {
    const recording = storage.getStore()
    const path = recording && pathOf(args[0], recording)
    if (!recording || !path || !digestsContent(recording, path)) return original.apply(this, args)
    return hook(() => original.apply(this, args), data => digestRead(recording, path, args[1], data), args)
  }
  replace(target, method, original, wrapper)
}

/** readFileSync, the read most factories make, without a closure per call. */
function wrapReadFileSync(target: Record<string, unknown>): void {
  const original = target.readFileSync as (file: unknown, options: unknown) => unknown
  if (typeof original !== 'function' || (original as { [WRAPPED]?: true })[WRAPPED]) return
  const wrapper = function (this: unknown, file: unknown, options: unknown): unknown {
    const recording = storage.getStore()
    const path = recording && pathOf(file, recording)
    if (!recording || !path || !digestsContent(recording, path)) return original.call(this, file, options)
    return digestRead(recording, path, options, original.call(this, file, options))
  }
  replace(target, 'readFileSync', original, wrapper)
}

/**
 * Notes a read of `path`'s content; true when what the read returns is to be digested (an input,
 * not digested yet). Noted before the read: a file the factory looked for and did not find is an input too.
 */
function digestsContent(recording: Recording, path: string): boolean {
  return notePath(recording, path, 'content') && !recording.contentDigests.has(path)
}

// What a build keeps of the texts it read before digesting them: small files, a few MB in all.
const TEXT_KEPT = 64 * 1024
const TEXTS_KEPT = 8 * 1024 * 1024

/** Passes the data through, keeping the digest of the bytes it came from when they can be told. */
function digestRead(recording: Recording, path: string, options: unknown, data: unknown): unknown {
  if (Buffer.isBuffer(data)) {
    recording.contentDigests.set(path, contentDigest(data))
    return data
  }
  const encoding = typeof options === 'string' ? options : (options as { encoding?: string } | undefined)?.encoding
  // Text decoded as UTF-8 hashes as the same bytes, unless the file held invalid sequences.
  if (typeof data !== 'string' || (encoding !== 'utf8' && encoding !== 'utf-8') || data.includes('\uFFFD')) return data
  if (recording.texts && data.length <= TEXT_KEPT && recording.textsLength + data.length <= TEXTS_KEPT) {
    recording.texts.push(path, data)
    recording.textsLength += data.length
    recording.contentDigests.set(path, PENDING)
  }
  else {
    recording.contentDigests.set(path, contentDigest(data))
  }
  return data
}

const PENDING = ''

/** Digests the texts kept; a read that ends after the build returned is digested at once. */
function digestTexts(recording: Recording): void {
  const texts = recording.texts ?? []
  recording.texts = undefined
  for (let index = 0; index < texts.length; index += 2) recording.contentDigests.set(texts[index]!, contentDigest(texts[index + 1]!))
}

function opensForWriting(flags: unknown): boolean {
  if (typeof flags === 'number') return (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_TRUNC)) !== 0
  return typeof flags === 'string' && /[wa+]/.test(flags)
}

/** Records a use of what a call named (a path, a URL, a descriptor); true when it was recorded as an input. */
function note(recording: Recording, target: unknown, use: Read | 'output'): boolean {
  // Writing to a relative path (a log) does not make the value depend on where it runs; reading one does.
  const path = pathOf(target, use === 'output' ? undefined : recording)
  return path !== undefined && notePath(recording, path, use)
}

/** Records a use of an absolute, normalized path (a read resolves it once, not once per step). */
function notePath(recording: Recording, path: string, use: Read | 'output'): boolean {
  if (use === 'output') {
    recording.outputs.add(path)
    return false
  }
  // Something the factory made itself is not an input (most factories make nothing: no loop then).
  if (recording.outputs.size) {
    for (const output of recording.outputs) {
      if (path === output || path.startsWith(`${output}/`)) return false
    }
  }
  recording.files.set(path, (recording.files.get(path) ?? 0) | USES[use])
  return true
}

/** The absolute path a call names; a relative one is the working directory's, which `reader` then used. */
function pathOf(target: unknown, reader?: Recording): string | undefined {
  try {
    // Most factories read by absolute path: normalize only what needs it.
    const text = typeof target === 'string' ? target : Buffer.isBuffer(target) ? target.toString() : undefined
    if (text !== undefined) {
      if (!isAbsolute(text)) {
        if (reader) noteWorkingDirectory(reader)
        return resolve(recorder.cwd.call(process), text)
      }
      return text.includes('//') || (text.includes('/.') && /\/\.{1,2}(\/|$)/.test(text)) ? resolve(text) : text
    }
    if (target instanceof URL) return target.protocol === 'file:' ? fileURLToPath(target) : undefined
  }
  catch {}
  // A file descriptor or handle: its path was recorded when it was opened.
  return undefined
}

/** Notes that the build used the working directory, the first time: as it found it. */
function noteWorkingDirectory(recording: Recording): void {
  recording.cwd ??= recorder.cwd.call(process)
}

// A listing of the environment read through, every name in order, is a copy made to pass on (a
// spread, a child process's environment): its values are not each an input, or every variable
// would be one. A listing left before its end is code choosing among the names: the names are an
// input, and the values it read on the way are. Either way, a read out of order ends the listing,
// so a read that follows a copy in the same tick (`execSync(…)`, then `process.env.SEED`) counts.
interface EnvListing { env: NodeJS.ProcessEnv, names: string[], next: number, described: number, recording: Recording }
let listing: EnvListing | undefined

function endListing(): void {
  const left = listing
  listing = undefined
  if (!left || left.next === left.names.length) return
  left.recording.envNames ??= envNamesDigest(left.names)
  for (const name of left.names.slice(0, left.next)) noteEnvRead(left.recording, left.env, name)
}

/**
 * Notes a variable as the build first saw it: a factory that sets a default it then reads
 * (`process.env.PORT ??= '5432'`) read it unset, which is what a later run must find.
 */
function noteEnvRead(recording: Recording | undefined, env: NodeJS.ProcessEnv, name: string | symbol): void {
  if (recording && typeof name === 'string' && !WORKER_ENV.has(name) && !recording.env.has(name) && !recording.envWritten.has(name)) recording.env.set(name, envValueDigest(env[name]))
}

function noteEnvWrite(env: NodeJS.ProcessEnv, name: string | symbol): void {
  const recording = storage.getStore()
  if (recording && typeof name === 'string' && !recording.envWritten.has(name)) recording.envWritten.set(name, env[name])
}

/**
 * The env vars a build left changed (a value, or null: deleted). A reuse sets them again, as the
 * factory would have (`process.env.DATABASE_URL = url`, read by the code under test).
 */
export function envLeftChanged(recording: Recording): Record<string, string | null> | undefined {
  let changed: Record<string, string | null> | undefined
  storage.exit(() => {
    for (const [name, before] of recording.envWritten) {
      // A worker's own (VITEST_WORKER_ID…) are never another worker's.
      if (WORKER_ENV.has(name)) continue
      const now = process.env[name]
      if (now !== before) (changed ??= {})[name] = now ?? null
    }
  })
  return changed
}

/**
 * A read of `name`: part of a copy when it is the listing's next name in its order (`cursor`: the
 * values read, or the descriptors asked for), else it ends the listing and counts.
 */
function readEnv(env: NodeJS.ProcessEnv, name: string | symbol, cursor?: 'next' | 'described'): void {
  if (listing && cursor && name === listing.names[listing[cursor]]) {
    listing[cursor]++
    if (listing.next === listing.names.length) listing = undefined
    return
  }
  if (listing) endListing()
  noteEnvRead(storage.getStore(), env, name)
}

function recordedEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return new Proxy(env, {
    // Without the receiver: process.env accepts only plain data properties, set on itself.
    set(target, name, value) {
      noteEnvWrite(target, name)
      return Reflect.set(target, name, value)
    },
    deleteProperty(target, name) {
      noteEnvWrite(target, name)
      return Reflect.deleteProperty(target, name)
    },
    get(target, name) {
      readEnv(target, name, 'next')
      return Reflect.get(target, name)
    },
    has(target, name) {
      readEnv(target, name)
      return Reflect.has(target, name)
    },
    // `Object.hasOwn(process.env, 'CI')` reads no value, and tells a set variable from an unset one.
    // A copy asks for each name's descriptor in order too (the spread before each read, `Object.keys` first).
    getOwnPropertyDescriptor(target, name) {
      readEnv(target, name, 'described')
      return Reflect.getOwnPropertyDescriptor(target, name)
    },
    ownKeys(target) {
      const names = Reflect.ownKeys(target)
      const recording = storage.getStore()
      if (recording) {
        endListing()
        const started: EnvListing = { env: target, names: names.filter((name): name is string => typeof name === 'string'), next: 0, described: 0, recording }
        listing = started
        // A copy is made in one go: what is left by the next microtask was a choice. (A promise,
        // not a timer: a test may have faked the timers.)
        void Promise.resolve().then(() => {
          if (listing === started) endListing()
        })
      }
      return names
    },
  })
}

/**
 * `inject(key)` reads the worker state's provided values: wrapped (per state: a worker may run
 * several files, each with its own) so a build records the keys it reads, as it records env vars.
 * The package's own provided config is not an input: it changes on every run.
 */
function recordProvidedReads(): void {
  const state = workerState()
  const provided = state?.providedContext
  if (!state || !provided || typeof provided !== 'object' || (provided as { [WRAPPED]?: true })[WRAPPED]) return
  state.providedContext = new Proxy(provided, {
    get(target, name) {
      if (name === WRAPPED) return true
      if (typeof name === 'string' && name !== PROVIDE_KEY) storage.getStore()?.provided.add(name)
      return Reflect.get(target, name)
    },
  })
}
