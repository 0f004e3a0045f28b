import type { CallSite, WorkerConfig } from '../shared/protocol.js'
import type { Slot } from '../store/paths.js'
import type { FixtureDefinition } from './definition.js'
import type { Job, Obtained } from './job.js'
import { monotonicMs } from '../shared/clock.js'
import { composeKey } from '../shared/key.js'
import { recordScope } from '../shared/recorded-check.js'
import { reportFailure } from './build.js'
import { decodeValue } from './codec.js'
import { folderCopiesIn, rememberValueDigest } from './context-inputs.js'
import { deepFreeze } from './deep-freeze.js'
import { recordCopy, recordEvent, recordWarning } from './events.js'
import { noteNestedValue } from './read-recorder.js'
import { rebuildsAnyway } from './job.js'
import { codeRequestPending, keyInputs } from './key-inputs.js'
import { obtain, readAhead } from './obtain.js'
import { withFolders } from './relocate.js'
import { pluginMissing, workerConfig } from './worker-config.js'

// Values per slot and key in this worker: a value is built or read at most once per run.
const obtainedInFlight = new Map<string, Promise<Obtained>>()
// Slots whose entry this worker has read ahead: later uses find the value obtained in this worker.
const slotsReadAhead = new Set<string>()
// `frozen: true`: the one copy this worker's uses share, by fixture and value.
const frozenCopies = new Map<string, unknown>()

/** The value a test receives: its own copy, from the cache or from one build. */
export async function provideValue(definition: FixtureDefinition, context: Record<string, unknown>, onCleanup: (cleanup: () => void) => void = () => {}): Promise<unknown> {
  const config = workerConfig(definition.label)
  const { site, name } = definition
  noteNestedValue(name ?? definition.label)
  if (!site || !name) throw pluginMissing(definition.label)
  if (config.mode === 'off') return buildUncached(definition, name, site, config, context, onCleanup)

  // Same-named fixtures defined twice in one module are told apart by their order.
  const file = site.occurrence ? `${site.file}#${site.occurrence}` : site.file
  const slot: Slot = { name, file, node: process.version }
  // On this worker's first use, the stored entry is read while the main process computes the key.
  const slotKey = `${config.runId}\0${name}\0${file}`
  const readsAhead = !slotsReadAhead.has(slotKey) && !rebuildsAnyway(config, name)
  slotsReadAhead.add(slotKey)
  const asked = keyInputs(definition, site, config, context)
  asked.catch(() => {}) // awaited below; not an unhandled rejection while the entry is read
  const early = readsAhead ? await readAhead(config, slot, codeRequestPending(site, config)) : null
  const { inputs, notes, unstorable, reached } = await asked
  const key = composeKey(inputs)
  // A value that may hold the path of a folder copy it received is each copy's own.
  const flightKey = [name, file, key, ...folderCopiesIn(context, site.deps).map(([, path]) => path)].join('\0')
  let obtained = obtainedInFlight.get(flightKey)
  if (!obtained) {
    const job: Job = { definition, name, config, slot, key, inputs, notes, unstorable, context, scope: recordScope(config), reached }
    obtained = obtain(job, early)
    obtainedInFlight.set(flightKey, obtained)
    obtained.catch(() => obtainedInFlight.delete(flightKey))
  }
  const { encoded: stored, valueDigest, outcome, envSet, folders } = await whileNamingTimeouts(context, config, name, obtained)
  if (envSet) setEnv(envSet)
  const encoded = withFolders(stored, folders, context)
  const shareKey = `${flightKey}\0${valueDigest}`
  if (frozenCopies.has(shareKey)) {
    annotateTest(context, name, { ...outcome, copyMs: 0, shared: true })
    return frozenCopies.get(shareKey)
  }
  const copyStarted = monotonicMs()
  const decoded = decodeValue(encoded, definition.options.serializer)
  const value = definition.materialize ? definition.materialize(decoded, valueDigest, onCleanup, config.runId) : frozenIfAsked(definition, decoded)
  const copyMs = monotonicMs() - copyStarted
  recordCopy(config, { name, file, key, ms: copyMs, ...definition.options.frozen ? { frozen: true } : {} })
  annotateTest(context, name, { ...outcome, copyMs: Math.round(copyMs) })
  rememberValueDigest(value, valueDigest)
  if (definition.options.frozen) frozenCopies.set(shareKey, value)
  return value
}

/** The env a factory left, set again for this use (as a build for it would have). */
function setEnv(envSet: Record<string, string | null>): void {
  for (const [name, value] of Object.entries(envSet)) {
    if (value === null) delete process.env[name]
    else process.env[name] = value
  }
}

function frozenIfAsked(definition: FixtureDefinition, value: unknown): unknown {
  return definition.options.frozen ? deepFreeze(value, definition.name!, definition.label) : value
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
async function buildUncached(definition: FixtureDefinition, name: string, site: CallSite, config: WorkerConfig, context: Record<string, unknown>, onCleanup: (cleanup: () => void) => void): Promise<unknown> {
  const started = monotonicMs()
  const { factory, around } = definition
  const value = await reportFailure(config, name, site.file, '', async () => (around ? (await around(context, async given => factory(given))).value : factory(context)))
  recordEvent(config, { name, file: site.file, key: '', outcome: 'built', reason: 'cache off', buildMs: monotonicMs() - started, loadMs: 0, bytes: 0 })
  annotateTest(context, name, { outcome: 'built', reason: 'cache off' })
  // Frozen here too, so a test that changes a frozen value fails the same way with the cache off.
  return definition.materialize ? definition.materialize(value, '', onCleanup, config.runId) : frozenIfAsked(definition, value)
}
