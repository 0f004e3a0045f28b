import type { KeyInput } from '../shared/key.js'
import type { CallSite, WorkerConfig } from '../shared/protocol.js'
import type { EntryHeader } from '../store/entry-format.js'
import type { Slot } from '../store/paths.js'
import type { Encoded } from './codec.js'
import type { FixtureDefinition } from './definition.js'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { monotonicMs, wallClockDate } from '../shared/clock.js'
import { composeKey, explainChange, FORMAT_VERSION } from '../shared/key.js'
import { FixtureStore } from '../store/fixture-store.js'
import { decodeValue, encodeValue, fromPayload, payloadOf, sameEncoding } from './codec.js'
import { declaredInputs } from './declared-inputs.js'
import { CachedFixtureError, warnOnce } from './errors.js'
import { recordBuildStart, recordEvent } from './events.js'
import { pluginMissing, workerConfig } from './worker-config.js'

const stores = new Map<string, FixtureStore>()
// Encoded values per slot and key in this worker: a value is built or read at most once per run.
const encodedInFlight = new Map<string, Promise<Encoded>>()
// The code a factory depends on, as the main process digested it: asked once per worker.
const codeInputsOf = new WeakMap<FixtureDefinition, Promise<KeyInput[]>>()
// Which key each handed-out copy came from, so a downstream cached fixture can chain it.
const keysOfValues = new WeakMap<object, string>()

/** The value a test receives: its own copy, from the cache or from one build. */
export async function provideValue(definition: FixtureDefinition, context: Record<string, unknown>): Promise<unknown> {
  const config = workerConfig(definition.label)
  const { site, name } = definition
  if (!site || !name) throw pluginMissing(definition.label)
  if (config.mode === 'off') return definition.factory(context)

  // Same-named fixtures defined twice in one module are told apart by their order.
  const file = site.occurrence ? `${site.file}#${site.occurrence}` : site.file
  const slot: Slot = { name, file, node: process.version }
  // On this worker's first use, the stored entry is read while the main process computes the key.
  const readsAhead = !codeInputsOf.has(definition) && !rebuildsAnyway(config, name)
  const asked = fingerprint(definition, site, config, context)
  asked.catch(() => {}) // awaited below; not an unhandled rejection while the entry is read
  const early = readsAhead ? await readAhead(storeFor(config), slot) : null
  const inputs = await asked
  const key = composeKey(inputs)
  const flightKey = `${name}\0${file}\0${key}`
  let encoded = encodedInFlight.get(flightKey)
  if (!encoded) {
    encoded = obtainEncoded({ definition, name, config, slot, key, inputs, context }, early)
    encodedInFlight.set(flightKey, encoded)
    encoded.catch(() => encodedInFlight.delete(flightKey))
  }
  const value = decodeValue(await encoded, definition.options.serializer)
  if (typeof value === 'object' && value !== null) keysOfValues.set(value, key)
  return value
}

async function fingerprint(definition: FixtureDefinition, site: CallSite, config: WorkerConfig, context: Record<string, unknown>): Promise<KeyInput[]> {
  let codeInputs = codeInputsOf.get(definition)
  if (!codeInputs) codeInputsOf.set(definition, codeInputs = site.fingerprint(config.runId).then(module => module.default))
  const inputs: KeyInput[] = [
    { name: 'format', digest: String(FORMAT_VERSION) },
    { name: 'node', digest: process.version },
    ...await codeInputs,
  ]
  for (const dependency of site.deps) {
    const value = context[dependency]
    const upstreamKey = typeof value === 'object' && value !== null ? keysOfValues.get(value) : undefined
    if (upstreamKey) inputs.push({ name: `fixture ${dependency}`, digest: upstreamKey })
  }
  inputs.push(...await declaredInputs(definition.options, context, config.root, definition.label))
  return inputs
}

interface Job {
  definition: FixtureDefinition
  name: string
  config: WorkerConfig
  slot: Slot
  key: string
  inputs: KeyInput[]
  context: Record<string, unknown>
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

async function readAhead(store: FixtureStore, slot: Slot): Promise<EarlyEntry | null> {
  // First let the fingerprint request leave, so the main process works on it meanwhile.
  // (node:timers, not the global: a test may have faked the global timers.)
  await nextTurn()
  try {
    const started = monotonicMs()
    const entry = store.readSole(slot, READ_AHEAD_MAX_BYTES)
    return entry && { header: entry.header, encoded: fromPayload(entry.header.codec, entry.payload), loadMs: monotonicMs() - started }
  }
  catch {
    return null
  }
}

async function obtainEncoded(job: Job, early: EarlyEntry | null): Promise<Encoded> {
  const { config, name, slot, key } = job
  const store = storeFor(config)
  const refresh = refreshRequested(config, name)
  const rebuildAnyway = rebuildsAnyway(config, name)
  if (!rebuildAnyway) {
    const hit = reuse(store, job, false, early)
    if (hit) return hit
  }
  if (config.mode === 'readonly') return (await build(job, 'readonly cache has no entry')).encoded

  let release: (() => void) | undefined
  try {
    release = await store.lock(slot, key)
  }
  catch (error) {
    warnOnce(`cannot use the cache at ${config.dir} (${describeError(error)}); fixtures are built and kept in memory for this run`)
    return (await build(job, 'cache unavailable')).encoded
  }
  try {
    // Another worker may have built it while this one waited for the lock.
    const built = reuse(store, job, rebuildAnyway)
    if (built) return built
    // Verify compares with what is stored; reading it for that is not a reuse.
    const stored = config.mode === 'verify' ? readStored(store, job, false)?.encoded : null
    const reason = refresh ? 'refresh requested' : config.mode === 'verify' ? 'verify' : missReason(store, job)
    const result = await build(job, reason)
    if (stored && !sameEncoding(stored, result.encoded)) {
      throw new CachedFixtureError(`FIXTURE_CACHE=verify: "${name}" built again differs from the stored value; its factory is not deterministic (Date.now(), Math.random(), unordered I/O?)`)
    }
    try {
      await store.write(slot, {
        name,
        file: slot.file,
        key,
        node: slot.node,
        inputs: job.inputs,
        buildMs: Math.round(result.buildMs),
        runId: config.runId,
        createdAt: wallClockDate().toISOString(),
        codec: result.encoded.codec,
      }, payloadOf(result.encoded))
    }
    catch (error) {
      warnOnce(`cannot write to the cache at ${config.dir} (${describeError(error)}); fixtures are built and kept in memory for this run`)
    }
    return result.encoded
  }
  finally {
    try {
      release()
    }
    catch {}
  }
}

/**
 * A stored payload for this key, or null; with `thisRunOnly`, only one built during this run.
 * What was read ahead is used when it is this key's entry.
 */
function readStored(store: FixtureStore, job: Job, thisRunOnly: boolean, early?: EarlyEntry | null): { encoded: Encoded, buildMs: number, loadMs: number } | null {
  try {
    const started = monotonicMs()
    if (early?.header.key === job.key) return { encoded: early.encoded, buildMs: early.header.buildMs, loadMs: early.loadMs }
    const entry = store.read(job.slot, job.key)
    if (!entry || (thisRunOnly && entry.header.runId !== job.config.runId)) return null
    const encoded = fromPayload(entry.header.codec, entry.payload)
    return { encoded, buildMs: entry.header.buildMs, loadMs: monotonicMs() - started }
  }
  catch (error) {
    warnOnce(describeError(error))
    return null
  }
}

/** Serves a stored payload: records the use (for pruning and the run summary). */
function reuse(store: FixtureStore, job: Job, thisRunOnly: boolean, early?: EarlyEntry | null): Encoded | null {
  const stored = readStored(store, job, thisRunOnly, early)
  if (!stored) return null
  if (job.config.mode !== 'readonly') store.touch(job.slot, job.key)
  recordEvent(job.config, {
    name: job.name,
    file: job.slot.file,
    key: job.key,
    outcome: 'reused',
    buildMs: stored.buildMs,
    loadMs: stored.loadMs,
    bytes: stored.encoded.size,
  })
  return stored.encoded
}

function missReason(store: FixtureStore, job: Job): string {
  try {
    const previous = store.previous(job.slot, job.key)[0]
    if (previous) return explainChange(previous.inputs, job.inputs)
    const otherNode = store.otherRuntimes(job.slot)[0]
    return otherNode ? `Node ${otherNode.node} → ${job.slot.node}` : 'first build'
  }
  catch {
    return 'first build'
  }
}

async function build(job: Job, reason: string): Promise<{ encoded: Encoded, buildMs: number }> {
  recordBuildStart(job.config, job.name)
  const started = monotonicMs()
  const value = await job.definition.factory(job.context)
  const buildMs = monotonicMs() - started
  const encoded = encodeValue(value, job.name, job.definition.options.serializer)
  recordEvent(job.config, { name: job.name, file: job.slot.file, key: job.key, outcome: 'built', reason, buildMs, loadMs: 0, bytes: encoded.size })
  return { encoded, buildMs }
}

function storeFor(config: WorkerConfig): FixtureStore {
  let store = stores.get(config.dir)
  if (!store) stores.set(config.dir, store = new FixtureStore(config.dir, { readonly: config.mode === 'readonly' }))
  return store
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
