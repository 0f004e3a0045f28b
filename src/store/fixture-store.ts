import type { LocalDriver, Pieces } from './driver.js'
import type { Entry, EntryHeader, HeaderFields } from './entry-format.js'
import type { Slot } from './paths.js'
import { wallClockMs } from '../shared/clock.js'
import { FORMAT_VERSION } from '../shared/key.js'
import { checksum, checksumMatches, decodeEntry, decodeHeader, encodeEntry, MAX_HEADER_BYTES } from './entry-format.js'
import { ENTRIES_DIR, entryKey, lockKey, SLOT_DIGEST_LENGTH, slotFolder, slotKey } from './paths.js'

/**
 * Entries kept per fixture (and Node version) besides those the current run uses: the current
 * state, the state it returns to (another branch, the other value of a toggled env var) and two
 * more. Each is as big as the value, so more would multiply the cache's size for states rarely
 * seen again; `maxSize` bounds the total. Every entry a run uses is kept, however many: a fixture
 * keyed per test or per parameter uses many keys in one run, and evicting them would rebuild all
 * of them on every run.
 */
export const KEEP_PER_SLOT = 4

/** The run a write or a use belongs to: what it built or used is never evicted by its own writes. */
export interface ThisRun {
  runId: string
  /** Wall-clock ms when the run started: entries used at or after it were used by this run. */
  startedAt: number
}

// An entry used within this long is not written to again on every use (pruning is by last use).
const TOUCH_GRANULARITY_MS = 60 * 60 * 1000

// Its modification time is when a run start last looked for killed writers' temporary files.
const LAST_SCAN = 'last-leftover-scan'

export interface StoredEntry {
  /** The driver's key of the entry. */
  key: string
  header: EntryHeader
  /** Bytes stored, header included. */
  bytes: number
  /** When a run last read or wrote it. */
  usedAt: Date
}

/**
 * The local tier: fixtures' entries over a driver (the cache dir, or memory). Knows the layout
 * (a folder per fixture slot, a few entries in each) and checks every entry before it is used.
 */
export class FixtureStore {
  /** Slot folders of the whole cache, for the Node-version reason; listed once (a run adds none of another version). */
  private slotFolders?: string[]
  /** When each entry read was last used, as the driver said: a recent use is not recorded again. */
  private usedAtSeen = new Map<string, number>()
  /** How many entries each slot held when last listed: only a full slot's uses must be recorded at once. */
  private slotSizes = new Map<string, number>()

  constructor(readonly driver: LocalDriver, private options: { readonly?: boolean } = {}) {}

  /** Where the entries are, for messages. */
  get dir(): string {
    return this.driver.location
  }

  /** The entry with this id, or null on a miss; a damaged entry is removed and counts as a miss. */
  read(slot: Slot, id: string): Entry | null {
    const key = entryKey(slot, id)
    const bytes = this.driver.get(key)
    if (!bytes) return null
    const entry = decodeEntry(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { id, node: slot.node })
    if (!entry) {
      if (!this.options.readonly) this.driver.remove(key)
      throw new CacheDamageError(`entry ${this.describe(key)} is damaged; rebuilding`)
    }
    return entry
  }

  /** An entry's bytes as stored, unchecked: for handing on to another tier, which checks them on read. */
  entryBytes(slot: Slot, id: string): Uint8Array | null {
    try {
      return this.driver.get(entryKey(slot, id))
    }
    catch {
      return null
    }
  }

  /**
   * A slot's most recently used entry, for reading before the key is known: nearly always the
   * one wanted. Checked like `read` checks it; null when there is none of at most `maxBytes`,
   * or on any trouble (`read` then reports it).
   */
  readLatest(slot: Slot, maxBytes: number): Entry | null {
    try {
      const folder = slotKey(slot)
      const keys = this.driver.list(folder).filter(name => name.endsWith('.entry')).map(name => `${folder}/${name}`)
      this.slotSizes.set(folder, keys.length)
      // Most slots hold one entry: there is nothing to compare, and its bytes and last use come in one look.
      const key = keys.length === 1 ? keys[0] : this.mostRecentlyUsed(keys)
      if (key === undefined) return null
      const read = this.driver.getWithMeta(key, maxBytes)
      if (!read) return null
      this.usedAtSeen.set(key, read.meta.usedAt)
      return decodeEntry(Buffer.from(read.bytes.buffer, read.bytes.byteOffset, read.bytes.byteLength), { node: slot.node })
    }
    catch {
      return null
    }
  }

  /** Of these entries, the one used last. */
  private mostRecentlyUsed(keys: string[]): string | undefined {
    let latest: { key: string, usedAt: number } | undefined
    for (const key of keys) {
      const usedAt = this.driver.meta(key)?.usedAt
      if (usedAt !== undefined && (!latest || usedAt > latest.usedAt)) latest = { key, usedAt }
    }
    return latest?.key
  }

  /**
   * Records a use, so pruning removes the least recently used entries first: to the hour, except in
   * a full slot, where a write later in this run must see that this run used it. Best effort.
   */
  touch(slot: Slot, id: string, run: ThisRun): void {
    const key = entryKey(slot, id)
    const now = wallClockMs()
    const usedAt = this.usedAtSeen.get(key) ?? 0
    const evictable = usedAt < run.startedAt && (this.slotSizes.get(slotKey(slot)) ?? KEEP_PER_SLOT) >= KEEP_PER_SLOT
    if (now - usedAt < TOUCH_GRANULARITY_MS && !evictable) return
    try {
      this.driver.touch(key)
      this.usedAtSeen.set(key, now)
    }
    catch {}
  }

  /**
   * The headers of a slot's entries, most recently used first. An entry whose header cannot be
   * read is damaged: it is removed (unless read-only) and passed to `onDamage`.
   */
  entries(slot: Slot, onDamage?: (where: string) => void): StoredEntry[] {
    return this.entriesIn(slotKey(slot), (key) => {
      if (!this.options.readonly) this.driver.remove(key)
      onDamage?.(this.describe(key))
    }).sort((a, b) => b.usedAt.getTime() - a.usedAt.getTime())
  }

  /** Headers of this fixture's entries built on other Node versions. */
  otherRuntimes(slot: Slot): EntryHeader[] {
    this.slotFolders ??= this.driver.list(ENTRIES_DIR)
    // Folder names start with the fixture's readable name: only those can be the same fixture.
    const prefix = slotFolder(slot).slice(0, -SLOT_DIGEST_LENGTH)
    return this.slotFolders.filter(folder => folder.startsWith(prefix)).flatMap(folder => this.entriesIn(`${ENTRIES_DIR}/${folder}`))
      .map(entry => entry.header)
      .filter(header => header.name === slot.name && header.file === slot.file && header.node !== slot.node)
  }

  /**
   * Publishes an entry atomically. A slot keeps every entry this run built or used, and of the
   * others the `KEEP_PER_SLOT - 1` most recently used, so going back (a branch, an env value, an
   * undone edit) finds the earlier one.
   */
  write(slot: Slot, fields: HeaderFields, payload: Uint8Array, run: ThisRun): void {
    this.writeEntry(slot, fields.id, encodeEntry(fields, payload), run)
  }

  /** Publishes an entry's bytes as they are (checked first: bytes from another tier). */
  writeEntry(slot: Slot, id: string, bytes: Pieces, run: ThisRun): void {
    this.driver.put(entryKey(slot, id), bytes)
    // Headers are read only when there is something to prune.
    const count = this.driver.list(slotKey(slot)).filter(name => name.endsWith('.entry')).length
    this.slotSizes.set(slotKey(slot), count)
    if (count <= KEEP_PER_SLOT) return
    const earlier = this.entries(slot).filter(entry => entry.header.id !== id && entry.header.runId !== run.runId && entry.usedAt.getTime() < run.startedAt)
    for (const old of earlier.slice(KEEP_PER_SLOT - 1)) this.driver.remove(old.key)
  }

  /**
   * Waits, without spinning, until no other worker or process builds this key; returns the
   * release. With `published`, a waiter is woken by every change in the slot's folder (an entry
   * renamed into place) and returns null, without the lock, once `published()` says it is there.
   */
  async lock(slot: Slot, key: string): Promise<() => void>
  async lock(slot: Slot, key: string, published: () => boolean): Promise<(() => void) | null>
  async lock(slot: Slot, key: string, published?: () => boolean): Promise<(() => void) | null> {
    return this.driver.lock(lockKey(slot, key), published && { done: published, folder: slotKey(slot) })
  }

  /** Whether any entry is stored, without reading one. */
  hasEntries(): boolean {
    return this.driver.list(ENTRIES_DIR).some(folder => this.driver.list(`${ENTRIES_DIR}/${folder}`).some(name => name.endsWith('.entry')))
  }

  /** Every readable entry header in the cache. */
  list(): StoredEntry[] {
    return this.driver.list(ENTRIES_DIR).flatMap(folder => this.entriesIn(`${ENTRIES_DIR}/${folder}`))
  }

  remove(entry: StoredEntry): void {
    this.driver.remove(entry.key)
  }

  /**
   * A JSON document the cache keeps beside its entries (module summaries). Null when absent,
   * unreadable, or edited: it carries its own checksum, so a changed byte is never trusted.
   */
  readDocument<T>(name: string): T | null {
    try {
      const text = Buffer.from(this.driver.get(name) ?? []).toString('utf8')
      const newline = text.indexOf('\n')
      const body = text.slice(newline + 1)
      return newline > 0 && checksumMatches(Buffer.from(body), text.slice(0, newline)) ? JSON.parse(body) as T : null
    }
    catch {
      return null
    }
  }

  /** Replaces a JSON document atomically: concurrent writers cannot leave half a file. */
  writeDocument(name: string, value: unknown): void {
    const body = JSON.stringify(value)
    this.driver.put(name, Buffer.from(`${checksum(Buffer.from(body))}\n${body}`))
  }

  /** The last run's report, for people and tools: plain JSON, replaced atomically. */
  writeReport(report: unknown): void {
    this.driver.put('last-run.json', Buffer.from(`${JSON.stringify(report, null, 2)}\n`))
  }

  /**
   * Removes what interrupted runs left behind (abandoned locks, temporary files older than
   * `olderThanMs`) and the entries of older formats, which are never read again. Finding
   * temporary files visits every slot folder (15–50 ms for 1,000 fixtures) and they only take
   * space: with `atMostEveryMs`, that scan is skipped when the last one was more recent.
   */
  removeLeftovers(olderThanMs: number, { atMostEveryMs }: { atMostEveryMs?: number } = {}): string[] {
    const scan = atMostEveryMs === undefined || this.scanIsDue(atMostEveryMs)
    const removed = this.driver.sweep(scan ? olderThanMs : null)
    for (const name of this.driver.list('')) {
      const format = /^entries-v(\d+)$/.exec(name)?.[1]
      if (format && Number(format) < FORMAT_VERSION) {
        this.driver.remove(name)
        removed.push(name)
      }
    }
    return removed
  }

  /** Whether the last scan for temporary files is older than `everyMs`; if so, this one is noted now. */
  private scanIsDue(everyMs: number): boolean {
    if (wallClockMs() - (this.driver.meta(LAST_SCAN)?.usedAt ?? 0) < everyMs) return false
    try {
      this.driver.put(LAST_SCAN, new Uint8Array())
    }
    catch {}
    return true
  }

  /** Removes abandoned locks and spare lock owner files only: cheap enough for the end of every run. */
  removeLeftoverLocks(): string[] {
    return this.driver.sweep(null)
  }

  private entriesIn(folder: string, onDamage?: (key: string) => void): StoredEntry[] {
    const names = this.driver.list(folder).filter(name => name.endsWith('.entry'))
    this.slotSizes.set(folder, names.length)
    return names.flatMap((name) => {
      const key = `${folder}/${name}`
      const header = this.readHeader(key)
      const meta = this.driver.meta(key)
      if (!header || !meta) {
        if (!header) onDamage?.(key)
        return []
      }
      this.usedAtSeen.set(key, meta.usedAt)
      return [{ key, header, bytes: meta.size, usedAt: new Date(meta.usedAt) }]
    })
  }

  /** Reads just enough of an entry for its header line: 64 kB, then more while no line end is in sight. */
  private readHeader(key: string): EntryHeader | null {
    for (let want = 64 << 10; ; want *= 4) {
      const start = this.driver.getStart(key, Math.min(want, MAX_HEADER_BYTES))
      if (!start) return null
      const bytes = Buffer.from(start.buffer, start.byteOffset, start.byteLength)
      if (bytes.includes(0x0A) || bytes.length < want || want >= MAX_HEADER_BYTES) return decodeHeader(bytes)?.header ?? null
    }
  }

  private describe(key: string): string {
    return `${this.driver.location}/${key}`
  }
}

/** An entry existed but could not be trusted: the caller warns and rebuilds. */
export class CacheDamageError extends Error {
  override name = 'CacheDamageError'
}
