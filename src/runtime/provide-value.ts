import type { KeyInput } from '../shared/key.js'
import type { CallSite, FixtureEvent, ModuleCodeInputs, WorkerConfig } from '../shared/protocol.js'
import type { EntryHeader } from '../store/entry-format.js'
import type { Slot } from '../store/paths.js'
import type { Encoded } from './codec.js'
import type { FixtureDefinition } from './definition.js'
import type { RecordScope } from './recorded-inputs.js'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { monotonicMs, wallClockDate } from '../shared/clock.js'
import { digest } from '../shared/digest.js'
import { composeKey, explainChange, FORMAT_VERSION, listChanges } from '../shared/key.js'
import { siteId } from '../shared/protocol.js'
import type { FixtureStore } from '../store/fixture-store.js'
import { openStore } from '../store/open-store.js'
import { decodeValue, encodeValue, fromPayload, payloadOf, sameEncoding } from './codec.js'
import { contextInputs, rememberValueDigest } from './context-inputs.js'
import { declaredInputs } from './declared-inputs.js'
import { CachedFixtureError } from './errors.js'
import { recordBuildStart, recordCopy, recordEvent, recordWarning } from './events.js'
import { recordReads } from './read-recorder.js'
import { changedRecordedInputs, recordedInputs } from './recorded-inputs.js'
import { relocatable, relocated } from './relocate.js'
import { pluginMissing, workerConfig } from './worker-config.js'

// Values per slot and key in this worker: a value is built or read at most once per run.
const obtainedInFlight = new Map<string, Promise<Obtained>>()
// The code each factory of a module depends on, as the main process digested it: asked once per module and run.
const codeInputsOf = new Map<string, Promise<ModuleCodeInputs>>()
const modulesAnswered = new Set<string>()
const moduleKey = (site: CallSite, config: WorkerConfig): string => `${config.runId}\0${site.file}`
// Slots whose entry this worker has read ahead: later uses find the value obtained in this worker.
const slotsReadAhead = new Set<string>()

/** A value in the form every use copies from, the digest of its stored bytes (what dependents chain on), and how it was had. */
interface Obtained {
  encoded: Encoded
  valueDigest: string
  outcome: Pick<FixtureEvent, 'outcome' | 'reason'>
}

/** The value a test receives: its own copy, from the cache or from one build. */
export async function provideValue(definition: FixtureDefinition, context: Record<string, unknown>): Promise<unknown> {
  const config = workerConfig(definition.label)
  const { site, name } = definition
  if (!site || !name) throw pluginMissing(definition.label)
  if (config.mode === 'off') return buildUncached(definition, name, site, config, context)

  // Same-named fixtures defined twice in one module are told apart by their order.
  const file = site.occurrence ? `${site.file}#${site.occurrence}` : site.file
  const slot: Slot = { name, file, node: process.version }
  // On this worker's first use, the stored entry is read while the main process computes the key.
  const slotKey = `${config.runId}\0${name}\0${file}`
  const readsAhead = !slotsReadAhead.has(slotKey) && !rebuildsAnyway(config, name)
  slotsReadAhead.add(slotKey)
  const asked = fingerprint(definition, site, config, context)
  asked.catch(() => {}) // awaited below; not an unhandled rejection while the entry is read
  const early = readsAhead ? await readAhead(storeFor(config), slot, !modulesAnswered.has(moduleKey(site, config))) : null
  const { inputs, notes, unstorable } = await asked
  const key = composeKey(inputs)
  const flightKey = `${name}\0${file}\0${key}`
  let obtained = obtainedInFlight.get(flightKey)
  if (!obtained) {
    const job: Job = { definition, name, config, slot, key, inputs, notes, unstorable, context, scope: recordScope(config) }
    obtained = obtain(job, early)
    obtainedInFlight.set(flightKey, obtained)
    obtained.catch(() => obtainedInFlight.delete(flightKey))
  }
  const { encoded, valueDigest, outcome } = await whileNamingTimeouts(context, config, name, obtained)
  const copyStarted = monotonicMs()
  const value = decodeValue(encoded, definition.options.serializer)
  const copyMs = monotonicMs() - copyStarted
  recordCopy(config, { name, file, key, ms: copyMs })
  annotateTest(context, name, { ...outcome, copyMs: Math.round(copyMs) })
  rememberValueDigest(value, valueDigest)
  return value
}

/**
 * A build runs inside the first test that uses the fixture. When that test times out meanwhile
 * (Vitest aborts its signal), the warning says which fixture it was and what to do.
 */
async function whileNamingTimeouts<T>(context: Record<string, unknown>, config: WorkerConfig, name: string, pending: Promise<T>): Promise<T> {
  const signal = context.signal as AbortSignal | undefined
  if (!signal || typeof signal.addEventListener !== 'function') return pending
  const started = monotonicMs()
  const onAbort = (): void => recordWarning(config, `"${name}" was still being built or loaded (${((monotonicMs() - started) / 1000).toFixed(1)} s) when its test timed out: `
    + `a build runs inside the first test that uses it. Raise testTimeout (and hookTimeout), or run once with FIXTURE_CACHE_REFRESH=${name}: a run that rebuilds raises both (plugin option coldTimeout).`)
  signal.addEventListener('abort', onAbort, { once: true })
  try {
    return await pending
  }
  finally {
    signal.removeEventListener('abort', onAbort)
  }
}

/**
 * What the cache did for this test, in its metadata (`task.meta.fixtureCache`): Vitest's UI and its
 * JSON and HTML reports show it. Only a test's own context has a task (not a file or worker fixture's).
 */
function annotateTest(context: Record<string, unknown>, name: string, what: object): void {
  const meta = (context.task as { meta?: Record<string, unknown> } | undefined)?.meta
  if (!meta) return
  const cache = (meta.fixtureCache ??= {}) as Record<string, unknown>
  cache[name] = what
}

/** `FIXTURE_CACHE=off`: a plain fixture, built on every use; the summary still counts the builds. */
async function buildUncached(definition: FixtureDefinition, name: string, site: CallSite, config: WorkerConfig, context: Record<string, unknown>): Promise<unknown> {
  const started = monotonicMs()
  const value = await reportFailure(config, name, site.file, '', () => definition.factory(context))
  recordEvent(config, { name, file: site.file, key: '', outcome: 'built', reason: 'cache off', buildMs: monotonicMs() - started, loadMs: 0, bytes: 0 })
  annotateTest(context, name, { outcome: 'built', reason: 'cache off' })
  return value
}

/** Runs a factory; when it throws, the summary says so and the error goes on to the tests. */
async function reportFailure<T>(config: WorkerConfig, name: string, file: string, key: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  }
  catch (error) {
    const message = describeError(error).split('\n')[0]!.slice(0, 200)
    recordEvent(config, { name, file, key, outcome: 'failed', reason: `its factory threw: ${message}`, buildMs: 0, loadMs: 0, bytes: 0 })
    throw error
  }
}

async function fingerprint(definition: FixtureDefinition, site: CallSite, config: WorkerConfig, context: Record<string, unknown>): Promise<{ inputs: KeyInput[], notes: string[], unstorable?: string }> {
  const asking = moduleKey(site, config)
  let moduleInputs = codeInputsOf.get(asking)
  if (!moduleInputs) {
    codeInputsOf.set(asking, moduleInputs = site.fingerprint(config.runId).then(module => module.default))
    moduleInputs.then(() => modulesAnswered.add(asking), () => {})
  }
  const code = (await moduleInputs)[siteId(site.name ?? '', site.occurrence)]
  if (!code || 'error' in code) throw new CachedFixtureError(code?.error ?? `${definition.label}: the plugin found no cached() call here; was the file changed during the run?`)
  const around = contextInputs(context, site.deps, code.modules, config.root)
  const inputs: KeyInput[] = [
    { name: 'format', digest: String(FORMAT_VERSION) },
    { name: 'node', digest: process.version },
    ...code.inputs,
    ...around.undigested.flatMap(dependency => code.fixtures[dependency] ?? []),
    ...around.inputs,
    ...await declaredInputs(definition.options, context, config.root, definition.label),
  ]
  return { inputs, notes: around.notes, unstorable: around.unstorable }
}

interface Job {
  definition: FixtureDefinition
  name: string
  config: WorkerConfig
  slot: Slot
  /** The digest of the static inputs: code, context, declared inputs. */
  key: string
  inputs: KeyInput[]
  notes: string[]
  unstorable?: string
  context: Record<string, unknown>
  scope: RecordScope
}

function recordScope(config: WorkerConfig): RecordScope {
  return { workspace: config.workspace, ignored: [config.dir, config.journal] }
}

/** Whether this run builds the fixture whatever is stored. */
function rebuildsAnyway(config: WorkerConfig, name: string): boolean {
  return refreshRequested(config, name) || config.mode === 'verify'
}

function refreshRequested(config: WorkerConfig, name: string): boolean {
  return config.refresh === true || config.refresh.includes(name)
}

/** An entry read before its key was known, already decoded into the form uses copy from. */
interface EarlyEntry {
  header: EntryHeader
  encoded: Encoded
  loadMs: number
}

// Bigger entries are not read ahead: a miss would read them for nothing, and their load dwarfs the wait.
const READ_AHEAD_MAX_BYTES = 64 * 1024 * 1024

async function readAhead(store: FixtureStore, slot: Slot, requestPending: boolean): Promise<EarlyEntry | null> {
  // First let the fingerprint request leave, so the main process works on it meanwhile.
  // (node:timers, not the global: a test may have faked the global timers.)
  if (requestPending) await nextTurn()
  try {
    const started = monotonicMs()
    const entry = store.readLatest(slot, READ_AHEAD_MAX_BYTES)
    return entry && { header: entry.header, encoded: fromPayload(entry.header.codec, entry.payload), loadMs: monotonicMs() - started }
  }
  catch {
    return null
  }
}

async function obtain(job: Job, early: EarlyEntry | null): Promise<Obtained> {
  const { config, name, slot, key } = job
  if (job.unstorable) return build(job, `not stored: ${job.unstorable}`)
  const store = storeFor(config)
  const refresh = refreshRequested(config, name)
  const rebuildAnyway = rebuildsAnyway(config, name)
  let looked: Lookup = { stale: [] }
  if (!rebuildAnyway) {
    looked = lookUp(store, job, false, early)
    const hit = reuse(store, job, looked)
    if (hit) return hit
  }
  if (config.mode === 'readonly') return build(job, 'readonly cache has no entry')

  let release: (() => void) | null
  // While another worker or process builds it, its entry is read as soon as it is published.
  let published: Lookup = { stale: [] }
  try {
    release = await store.lock(slot, key, () => Boolean((published = lookUp(store, job, rebuildAnyway)).found))
  }
  catch (error) {
    recordWarning(config, `cannot use the cache at ${config.dir} (${describeError(error)}); fixtures are built and kept in memory for this run`)
    return build(job, 'cache unavailable')
  }
  if (!release) return reuse(store, job, published)!
  try {
    // Another worker may have built it while this one waited for the lock.
    const again = reuse(store, job, lookUp(store, job, rebuildAnyway))
    if (again) return again
    // Verify compares with what is stored; reading it for that is not a reuse.
    const stored = config.mode === 'verify' ? storedForVerify(store, job) : null
    const reason: Reason = refresh
      ? 'refresh requested'
      : config.mode === 'verify'
        ? encoded => (!stored ? 'verify: nothing stored to compare' : sameEncoding(stored, encoded) ? 'verify: same as stored' : 'verify: differs from the stored value')
        : missReason(store, job, looked.stale)
    const result = await build(job, reason, async (fields, payload) => {
      try {
        await store.write(slot, fields, payload)
      }
      catch (error) {
        recordWarning(config, `cannot write to the cache at ${config.dir} (${describeError(error)}); fixtures are built and kept in memory for this run`)
      }
    })
    if (stored && !sameEncoding(stored, result.encoded)) {
      throw new CachedFixtureError(`FIXTURE_CACHE=verify: "${name}" built again differs from the stored value; its factory is not deterministic (Date.now(), Math.random(), unordered I/O?)`)
    }
    return result
  }
  finally {
    try {
      release()
    }
    catch {}
  }
}

interface Lookup {
  found?: { header: EntryHeader, encoded: Encoded, loadMs: number }
  /** Entries of this key whose recorded reads changed, with the inputs that did. */
  stale: string[][]
}

/**
 * Finds a stored entry of this key whose recorded reads are all unchanged (most recently used
 * first); with `thisRunOnly`, only one built during this run. What was read ahead is used when
 * it is the one.
 */
function lookUp(store: FixtureStore, job: Job, thisRunOnly: boolean, early?: EarlyEntry | null): Lookup {
  const stale: string[][] = []
  try {
    const started = monotonicMs()
    const candidates = early?.header.key === job.key
      ? [early.header]
      : store.entries(job.slot, where => recordWarning(job.config, `entry ${where} is damaged; rebuilding`)).map(entry => entry.header)
    for (const header of candidates) {
      if (header.key !== job.key || (thisRunOnly && header.runId !== job.config.runId)) continue
      const changed = changedRecordedInputs(header.recorded, job.scope)
      if (changed.length) {
        stale.push(changed)
        continue
      }
      if (early?.header.id === header.id) return { found: { header, encoded: early.encoded, loadMs: early.loadMs + monotonicMs() - started }, stale }
      const encoded = readEncoded(store, job.slot, header.id)
      if (encoded) return { found: { header, encoded, loadMs: monotonicMs() - started }, stale }
    }
  }
  catch (error) {
    recordWarning(job.config, describeError(error))
  }
  return { stale }
}

/** Serves a stored entry: records the use (for pruning and the run summary). */
function reuse(store: FixtureStore, job: Job, looked: Lookup): Obtained | undefined {
  if (!looked.found) return undefined
  const { header, encoded, loadMs } = looked.found
  if (job.config.mode !== 'readonly') store.touch(job.slot, header.id)
  recordEvent(job.config, {
    name: job.name,
    file: job.slot.file,
    key: job.key,
    outcome: 'reused',
    buildMs: header.buildMs,
    loadMs,
    bytes: encoded.size,
    ...job.notes.length ? { notes: job.notes } : {},
  })
  return { encoded: relocated(encoded, header.relocated, job.config.workspace), valueDigest: header.valueDigest, outcome: { outcome: 'reused' } }
}

function readEncoded(store: FixtureStore, slot: Slot, id: string): Encoded | null {
  const entry = store.read(slot, id)
  return entry && fromPayload(entry.header.codec, entry.payload)
}

/** The stored value verify compares a fresh build with, as it reads back. */
function storedForVerify(store: FixtureStore, job: Job): Encoded | null {
  const found = lookUp(store, job, false).found
  return found ? relocated(found.encoded, found.header.relocated, job.config.workspace) : null
}

/** Names what changed since the entry this fixture was last built or used from. */
function missReason(store: FixtureStore, job: Job, stale: string[][]): string {
  try {
    const changedReads = stale[0]
    if (changedReads) return listChanges(changedReads.map(name => `${name} changed`))
    const previous = store.entries(job.slot).find(entry => entry.header.key !== job.key)
    if (previous) return explainChange(previous.header.inputs, job.inputs)
    const otherNode = store.otherRuntimes(job.slot)[0]
    return otherNode ? `Node ${otherNode.node} → ${job.slot.node}` : 'first build'
  }
  catch {
    return 'first build'
  }
}

type Publish = (fields: Parameters<FixtureStore['write']>[1], payload: Buffer) => Promise<void>
/** Why a build ran; verify can say only once it has the value. */
type Reason = string | ((encoded: Encoded) => string)

/** Runs the factory with its reads recorded; publishes the entry when given where. */
async function build(job: Job, reason: Reason, publish?: Publish): Promise<Obtained> {
  recordBuildStart(job.config, job.name)
  const started = monotonicMs()
  const { value, recording } = await reportFailure(job.config, job.name, job.slot.file, job.key, () => recordReads(() => job.definition.factory(job.context)))
  const buildMs = monotonicMs() - started
  const { encoded, placeholder, pinned } = relocatable(encodeValue(value, job.name, job.definition.options.serializer), job.config.workspace)
  const recorded = recordedInputs(recording, job.scope)
  if (pinned) recorded.push(pinned)
  const payload = payloadOf(encoded)
  const valueDigest = digest(payload)
  const why = typeof reason === 'string' ? reason : reason(encoded)
  recordEvent(job.config, {
    name: job.name,
    file: job.slot.file,
    key: job.key,
    outcome: 'built',
    reason: why,
    buildMs,
    loadMs: 0,
    bytes: encoded.size,
    ...job.notes.length ? { notes: job.notes } : {},
  })
  await publish?.({
    name: job.name,
    file: job.slot.file,
    key: job.key,
    id: recorded.length ? composeKey([{ name: 'key', digest: job.key }, ...recorded]) : job.key,
    node: job.slot.node,
    inputs: job.inputs,
    recorded,
    valueDigest,
    ...placeholder ? { relocated: placeholder } : {},
    buildMs: Math.round(buildMs),
    runId: job.config.runId,
    createdAt: wallClockDate().toISOString(),
    codec: encoded.codec,
  }, payload)
  return { encoded: relocated(encoded, placeholder, job.config.workspace), valueDigest, outcome: { outcome: 'built', reason: why } }
}

function storeFor(config: WorkerConfig): FixtureStore {
  return openStore(config.dir, { readonly: config.mode === 'readonly' })
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
