// Obtaining a fixture's value: from the local tier, else the remote one, else one build, with
// single flight across workers and processes (read, or lock, re-check, fetch, build, publish).
import type { WorkerConfig } from '../shared/protocol.js'
import type { EntryHeader } from '../store/entry-format.js'
import type { FixtureStore } from '../store/fixture-store.js'
import type { RemoteTier } from '../store/remote-tier.js'
import type { Slot } from '../store/paths.js'
import type { Publish, Reason } from './build.js'
import type { Encoded } from './codec.js'
import type { Job, Obtained } from './job.js'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { monotonicMs } from '../shared/clock.js'
import { describeError } from '../shared/describe-error.js'
import { explainChange, listChanges } from '../shared/key.js'
import { REMOTE_OFF_MARKER } from '../shared/protocol.js'
import { openRemote, openStore } from '../store/open-store.js'
import { build } from './build.js'
import { fromPayload, sameEncoding } from './codec.js'
import { debug } from './debug.js'
import { CachedFixtureError } from './errors.js'
import { recordEvent, recordStored, recordWarning } from './events.js'
import { rebuildsAnyway, refreshRequested } from './job.js'
import { changedRecordedInputs } from '../shared/recorded-check.js'
import { relocated } from './relocate.js'

export function storeFor(config: WorkerConfig): FixtureStore {
  return openStore(config.dir, { readonly: config.mode === 'readonly' })
}

function remoteFor(config: WorkerConfig): RemoteTier | undefined {
  // Once one worker found the server unusable, the others of the run do not wait on it too.
  if (!config.remote || existsSync(join(config.journal, REMOTE_OFF_MARKER))) return undefined
  return openRemote(config.remote)
}

/** An entry read before its key was known, already decoded into the form uses copy from. */
export interface EarlyEntry {
  header: EntryHeader
  encoded: Encoded
  loadMs: number
}

// Bigger entries are not read ahead: a miss would read them for nothing, and their load dwarfs the wait.
const READ_AHEAD_MAX_BYTES = 64 * 1024 * 1024

/** Reads a slot's most recent entry while the key is being computed: nearly always the one wanted. */
export async function readAhead(config: WorkerConfig, slot: Slot, requestPending: boolean): Promise<EarlyEntry | null> {
  // First let the fingerprint request leave, so the main process works on it meanwhile.
  // (node:timers, not the global: a test may have faked the global timers.)
  if (requestPending) await nextTurn()
  try {
    const started = monotonicMs()
    const entry = storeFor(config).readLatest(slot, READ_AHEAD_MAX_BYTES)
    return entry && { header: entry.header, encoded: fromPayload(entry.header.codec, entry.payload), loadMs: monotonicMs() - started }
  }
  catch {
    return null
  }
}

export async function obtain(job: Job, early: EarlyEntry | null): Promise<Obtained> {
  const { config, name, slot, key } = job
  if (job.unstorable) return build(job, `not stored: ${job.unstorable}`)
  const store = storeFor(config)
  const remote = remoteFor(config)
  const refresh = refreshRequested(config, name)
  const rebuildAnyway = rebuildsAnyway(config, name)
  let looked: Lookup = { stale: [] }
  if (!rebuildAnyway) {
    looked = lookUp(store, job, false, early)
    const hit = reuse(store, job, looked)
    if (hit) return hit
  }
  if (config.mode === 'readonly') {
    return (remote && !rebuildAnyway && await fromRemote(store, remote, job)) || build(job, 'readonly cache has no entry')
  }

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
    // Another worker may have built it while this one waited for the lock. (This look is at every
    // entry of the key, not only the one read ahead: its stale ones name what changed.)
    const underLock = lookUp(store, job, rebuildAnyway)
    const again = reuse(store, job, underLock)
    if (again) return again
    // Under the lock, so workers missing together download it once.
    const shared = remote && !rebuildAnyway && await fromRemote(store, remote, job)
    if (shared) return shared
    // Verify compares with what is stored; reading it for that is not a reuse.
    const stored = config.mode === 'verify' ? storedForVerify(store, job) : null
    const reason: Reason = refresh
      ? 'refresh requested'
      : config.mode === 'verify'
        ? encoded => (!stored ? 'verify: nothing stored to compare' : sameEncoding(stored, encoded) ? 'verify: same as stored' : 'verify: differs from the stored value')
        : missReason(store, job, underLock.stale.length ? underLock.stale : looked.stale)
    const publish: Publish = (fields, payload) => {
      try {
        store.write(slot, fields, payload, config)
        recordStored(config, { name, file: slot.file, node: slot.node, key, id: fields.id, buildMs: fields.buildMs })
      }
      catch (error) {
        recordWarning(config, `cannot write to the cache at ${config.dir} (${describeError(error)}); fixtures are built and kept in memory for this run`)
      }
    }
    const result = await build(job, reason, publish)
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
  found?: { header: EntryHeader, encoded: Encoded, loadMs: number, tier?: 'remote' }
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
      const entry = store.read(job.slot, header.id)
      if (entry) return { found: { header, encoded: fromPayload(entry.header.codec, entry.payload), loadMs: monotonicMs() - started }, stale }
    }
  }
  catch (error) {
    recordWarning(job.config, describeError(error))
  }
  return { stale }
}

/**
 * The entry another machine shared for this key, when its recorded reads hold here too. Kept in
 * the local tier (unless read-only), so the next run and the other workers find it there.
 */
async function fromRemote(store: FixtureStore, remote: RemoteTier, job: Job): Promise<Obtained | undefined> {
  const started = monotonicMs()
  const shared = await remote.fetch(job.slot, job.key, message => recordWarning(job.config, message))
  if (remote.unusable) {
    try {
      writeFileSync(join(job.config.journal, REMOTE_OFF_MARKER), '')
    }
    catch {}
  }
  const changed = shared ? changedRecordedInputs(shared.entry.header.recorded, job.scope) : []
  debug(!shared ? `${job.name}: not in the remote cache` : changed.length ? `${job.name}: remote entry's reads changed here: ${changed.join(', ')}` : `${job.name}: from the remote cache`)
  if (!shared || changed.length) return undefined
  const { header, payload } = shared.entry
  let encoded: Encoded
  try {
    encoded = fromPayload(header.codec, payload)
  }
  catch (error) {
    // A newer version's codec: not for this one to read.
    recordWarning(job.config, `the remote cache's entry for "${job.name}" cannot be read here (${describeError(error)}); rebuilding`)
    return undefined
  }
  if (job.config.mode !== 'readonly') {
    try {
      store.writeEntry(job.slot, header.id, shared.bytes, job.config)
    }
    catch {}
  }
  return reuse(store, job, { found: { header, encoded, loadMs: monotonicMs() - started, tier: 'remote' }, stale: [] })
}

/** Serves a stored entry: records the use (for pruning and the run summary). */
function reuse(store: FixtureStore, job: Job, looked: Lookup): Obtained | undefined {
  if (!looked.found) return undefined
  const { header, encoded, loadMs, tier = 'local' } = looked.found
  if (job.config.mode !== 'readonly' && tier === 'local') store.touch(job.slot, header.id, job.config)
  recordEvent(job.config, {
    name: job.name,
    file: job.slot.file,
    key: job.key,
    outcome: 'reused',
    tier,
    buildMs: header.buildMs,
    loadMs,
    bytes: encoded.size,
    ...job.notes.length ? { notes: job.notes } : {},
  })
  return { encoded: relocated(encoded, header.relocated, job.config.workspace), valueDigest: header.valueDigest, envSet: header.envSet, folders: header.folders, outcome: { outcome: 'reused', tier } }
}

/** The stored value verify compares a fresh build with, as it reads back. */
function storedForVerify(store: FixtureStore, job: Job): Encoded | null {
  const found = lookUp(store, job, false).found
  return found ? relocated(found.encoded, found.header.relocated, job.config.workspace) : null
}

/** Names what changed since the entry this fixture was last built or used from. */
function missReason(store: FixtureStore, job: Job, stale: string[][]): string {
  try {
    // Of the entries of this key, the one closest to now: its changes are the fewest.
    const changedReads = stale.length ? stale.reduce((closest, changes) => (changes.length < closest.length ? changes : closest)) : undefined
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
