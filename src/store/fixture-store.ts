import type { Entry, EntryHeader, HeaderFields } from './entry-format.js'
import type { Slot } from './paths.js'
import type { FSWatcher } from 'node:fs'
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readSync, rmSync, statSync, utimesSync, watch, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { clearTimeout, setTimeout } from 'node:timers'
import { wallClockDate, wallClockMs } from '../shared/clock.js'
import { FORMAT_VERSION } from '../shared/key.js'
import { writeAtomicSync } from './atomic-write.js'
import { checksum, checksumMatches, decodeEntry, decodeHeader, encodeEntry, MAX_HEADER_BYTES } from './entry-format.js'
import { acquireLock, isAbandoned } from './lock.js'
import { ENTRIES_DIR, entryPath, lockPath, SLOT_DIGEST_LENGTH, slotDir, slotFolder } from './paths.js'
import { injectFault, lstatSafe, readNoFollow, safeReaddir } from './safe-fs.js'

const CACHEDIR_TAG = 'Signature: 8a477f597d28d172789f06886806bc55\n'
  + '# This file is a cache directory tag created by vitest-fixture-cache.\n'

/**
 * Entries kept per fixture (and Node version): the current state, the state it returns to (another
 * branch, the other value of a toggled env var) and two more. Each is as big as the value, so
 * more would multiply the cache's size for states rarely seen again; `maxSize` bounds the total.
 */
export const KEEP_PER_SLOT = 4

const TOUCH_GRANULARITY_MS = 60 * 60 * 1000

export interface StoredEntry {
  path: string
  header: EntryHeader
  /** Bytes on disk, header included. */
  bytes: number
  /** When a run last read or wrote it. */
  usedAt: Date
}

/** The only code that touches the cache directory. A read-only store never changes anything in it. */
export class FixtureStore {
  /** Folders this store made sure of: each is checked once, not before every lock and write. */
  private ensured = new Set<string>()
  /** Slot folders of the whole cache, for the Node-version reason; listed once (a run adds none of another version). */
  private slotFolders?: string[]
  /** When each entry read was last used, as its mtime said: a recent use is not recorded again. */
  private usedAtSeen = new Map<string, number>()

  constructor(readonly dir: string, private options: { readonly?: boolean } = {}) {}

  /** The entry with this id, or null on a miss; a damaged entry is removed and counts as a miss. */
  read(slot: Slot, id: string): Entry | null {
    const path = entryPath(this.dir, slot, id)
    let bytes: Buffer | null
    try {
      bytes = readNoFollow(path)
    }
    catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      // Nothing there, or a file where a folder should be: a miss; the write reports the problem.
      if (code === 'ENOENT' || code === 'ENOTDIR') return null
      throw error
    }
    const entry = bytes && decodeEntry(bytes, { id, node: slot.node })
    if (!entry) {
      if (!this.options.readonly) rmSync(path, { force: true })
      throw new CacheDamageError(`entry ${path} is damaged; rebuilding`)
    }
    return entry
  }

  /**
   * A slot's most recently used entry, for reading before the key is known: nearly always the
   * one wanted. Checked like `read` checks it; null when there is none of at most `maxBytes`,
   * or on any trouble (`read` then reports it).
   */
  readLatest(slot: Slot, maxBytes: number): Entry | null {
    try {
      const folder = slotDir(this.dir, slot)
      if (!lstatSafe(folder)?.isDirectory()) return null
      let latest: { path: string, usedAt: number, size: number } | undefined
      for (const name of safeReaddir(folder)) {
        const stats = name.endsWith('.entry') ? lstatSafe(join(folder, name)) : null
        if (stats && (!latest || stats.mtimeMs > latest.usedAt)) latest = { path: join(folder, name), usedAt: stats.mtimeMs, size: stats.size }
      }
      if (!latest || latest.size > maxBytes) return null
      this.usedAtSeen.set(latest.path, latest.usedAt)
      const bytes = readNoFollow(latest.path)
      return (bytes && decodeEntry(bytes, { node: slot.node })) ?? null
    }
    catch {
      return null
    }
  }

  /**
   * Records a use, so pruning removes the least recently used entries first. Best effort, and
   * to the hour: an entry used within the last hour is not written to again on every use.
   */
  touch(slot: Slot, id: string): void {
    const path = entryPath(this.dir, slot, id)
    const now = wallClockDate()
    if (now.getTime() - (this.usedAtSeen.get(path) ?? 0) < TOUCH_GRANULARITY_MS) return
    try {
      utimesSync(path, now, now)
      this.usedAtSeen.set(path, now.getTime())
    }
    catch {}
  }

  /**
   * The headers of a slot's entries, most recently used first. An entry whose header cannot be
   * read is damaged: it is removed (unless read-only) and passed to `onDamage`.
   */
  entries(slot: Slot, onDamage?: (path: string) => void): StoredEntry[] {
    return this.entriesOf(slotDir(this.dir, slot), (path) => {
      if (!this.options.readonly) rmSync(path, { force: true })
      onDamage?.(path)
    }).sort((a, b) => b.usedAt.getTime() - a.usedAt.getTime())
  }

  /** Headers of this fixture's entries built on other Node versions. */
  otherRuntimes(slot: Slot): EntryHeader[] {
    const root = join(this.dir, ENTRIES_DIR)
    this.slotFolders ??= safeReaddir(root)
    // Folder names start with the fixture's readable name: only those can be the same fixture.
    const prefix = `${slotFolder(slot).slice(0, -SLOT_DIGEST_LENGTH)}`
    return this.slotFolders.filter(folder => folder.startsWith(prefix)).flatMap(folder => this.entriesOf(join(root, folder)))
      .map(entry => entry.header)
      .filter(header => header.name === slot.name && header.file === slot.file && header.node !== slot.node)
  }

  /**
   * Publishes an entry atomically. A slot keeps its `KEEP_PER_SLOT` most recently used entries, so
   * going back (a branch, an env value, an undone edit) finds the earlier one.
   */
  async write(slot: Slot, fields: HeaderFields, payload: Uint8Array): Promise<void> {
    injectFault('write')
    const folder = slotDir(this.dir, slot)
    const path = entryPath(this.dir, slot, fields.id)
    await this.inFolder(folder, () => writeAtomicSync(path, encodeEntry(fields, payload)))
    // Headers are read only when there is something to prune.
    if (safeReaddir(folder).filter(name => name.endsWith('.entry')).length <= KEEP_PER_SLOT) return
    const older = this.entries(slot).filter(entry => entry.header.id !== fields.id)
    for (const old of older.slice(KEEP_PER_SLOT - 1)) rmSync(old.path, { force: true })
  }

  /**
   * Waits, without spinning, until no other process builds this key; returns the release. With
   * `published`, a waiter is woken by every change in the slot's folder (an entry renamed into
   * place) and returns null, without the lock, once `published()` says the entry is there.
   */
  async lock(slot: Slot, key: string): Promise<() => void>
  async lock(slot: Slot, key: string, published: () => boolean): Promise<(() => void) | null>
  async lock(slot: Slot, key: string, published?: () => boolean): Promise<(() => void) | null> {
    const path = lockPath(this.dir, slot, key)
    if (!published) return this.inFolder(join(this.dir, 'locks'), () => acquireLock(path))
    const folder = slotDir(this.dir, slot)
    let wake: (() => void) | undefined
    let watcher: FSWatcher | undefined
    try {
      return await this.inFolder(join(this.dir, 'locks'), () => acquireLock(path, {
        done: published,
        // node:timers, not the globals: a test may have faked them.
        pause: ms => new Promise((resolve) => {
          // Watched only once there is something to wait for: most locks are free.
          if (!watcher) {
            this.ensureFolder(folder)
            watcher = watchFolder(folder, () => wake?.())
          }
          const timer = setTimeout(() => resolve(), ms)
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        }),
      }))
    }
    finally {
      watcher?.close()
    }
  }

  /** Whether any entry is stored, without reading one. */
  hasEntries(): boolean {
    const root = join(this.dir, ENTRIES_DIR)
    return safeReaddir(root).some(folder => safeReaddir(join(root, folder)).some(name => name.endsWith('.entry')))
  }

  /** Every readable entry header in the cache. */
  list(): StoredEntry[] {
    const root = join(this.dir, ENTRIES_DIR)
    return safeReaddir(root).flatMap(folder => this.entriesOf(join(root, folder)))
  }

  remove(path: string): void {
    rmSync(path, { force: true })
  }

  /**
   * A JSON document the cache keeps beside its entries (module summaries). Null when absent,
   * unreadable, or edited: it carries its own checksum, so a changed byte is never trusted.
   */
  readDocument<T>(name: string): T | null {
    try {
      const text = readNoFollow(join(this.dir, name))?.toString('utf8') ?? ''
      const newline = text.indexOf('\n')
      const body = text.slice(newline + 1)
      return newline > 0 && checksumMatches(Buffer.from(body), text.slice(0, newline)) ? JSON.parse(body) as T : null
    }
    catch {
      return null
    }
  }

  /** Replaces a JSON document atomically: concurrent writers cannot leave half a file. */
  async writeDocument(name: string, value: unknown): Promise<void> {
    injectFault('write')
    this.ensureFolder(this.dir)
    const body = JSON.stringify(value)
    writeAtomicSync(join(this.dir, name), `${checksum(Buffer.from(body))}\n${body}`)
  }

  /** The last run's report, for people and tools: plain JSON, replaced atomically. */
  writeReport(report: unknown): void {
    this.ensureFolder(this.dir)
    writeAtomicSync(join(this.dir, 'last-run.json'), `${JSON.stringify(report, null, 2)}\n`)
  }

  /**
   * Removes what interrupted runs left behind: locks whose holder is gone, temporary entry
   * files no lock holder is writing, and other temporary files older than `olderThanMs`.
   */
  removeLeftovers(olderThanMs: number): string[] {
    const removed: string[] = []
    const remove = (path: string) => {
      rmSync(path, { recursive: true, force: true })
      removed.push(path)
    }
    const locks = join(this.dir, 'locks')
    for (const name of safeReaddir(locks)) {
      if (isAbandoned(join(locks, name))) remove(join(locks, name))
    }
    // Entries are written by the holder of a lock of their slot: a temporary file in a slot
    // without a live lock is litter.
    const entries = join(this.dir, ENTRIES_DIR)
    const liveLocks = safeReaddir(locks)
    for (const folder of safeReaddir(entries)) {
      const building = liveLocks.some(name => name.startsWith(`${folder}-`))
      for (const name of safeReaddir(join(entries, folder))) {
        if (!building && /^[0-9a-f]{64}\.entry\./.test(name)) remove(join(entries, folder, name))
      }
    }
    const cutoff = wallClockMs() - olderThanMs
    for (const name of safeReaddir(this.dir)) {
      const path = join(this.dir, name)
      if (/\.json\.[0-9a-f]+$/.test(name) && (lstatSafe(path)?.mtimeMs ?? Infinity) < cutoff) remove(path)
      // Entries of an older format are never read again; a newer format's belong to a newer version.
      const format = /^entries-v(\d+)$/.exec(name)?.[1]
      if (format && Number(format) < FORMAT_VERSION) remove(path)
    }
    return removed
  }

  private entriesOf(folder: string, onDamage?: (path: string) => void): StoredEntry[] {
    // A symlink in place of a slot folder is never followed: nothing outside is read or removed.
    if (!lstatSafe(folder)?.isDirectory()) return []
    return safeReaddir(folder).filter(name => name.endsWith('.entry')).flatMap((name) => {
      const path = join(folder, name)
      const header = readHeader(path)
      if (!header) {
        onDamage?.(path)
        return []
      }
      const stats = statSync(path)
      this.usedAtSeen.set(path, stats.mtimeMs)
      return [{ path, header, bytes: stats.size, usedAt: stats.mtime }]
    })
  }

  /**
   * Makes a folder of the cache exist as a real folder. A symlink inside the cache dir is
   * replaced, so nothing is ever written through it to elsewhere; a file standing where the
   * cache dir should be is the user's, and is reported, not removed.
   */
  private ensureFolder(folder: string): void {
    if (this.ensured.has(folder)) return
    if (folder === this.dir || !folder.startsWith(this.dir)) {
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      if (!existsSync(join(this.dir, 'CACHEDIR.TAG'))) writeFileSync(join(this.dir, 'CACHEDIR.TAG'), CACHEDIR_TAG, { mode: 0o600 })
    }
    else {
      this.ensureFolder(dirname(folder))
      const stats = lstatSafe(folder)
      if (stats && !stats.isDirectory()) rmSync(folder, { force: true })
      if (!stats?.isDirectory()) mkdirSync(folder, { mode: 0o700 })
    }
    this.ensured.add(folder)
  }

  /**
   * Runs a step that creates something in a folder, making sure of the folder first. When the
   * folder vanished since it was made sure of (`clear` during a run), it is made again, once.
   */
  private async inFolder<T>(folder: string, step: () => T | Promise<T>): Promise<T> {
    this.ensureFolder(folder)
    try {
      return await step()
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      this.ensured.clear()
      this.ensureFolder(folder)
      return step()
    }
  }
}

/** A watch on a folder; none where the file system has no watching (polling alone then finds changes). */
function watchFolder(folder: string, onChange: () => void): FSWatcher | undefined {
  try {
    const watcher = watch(folder, onChange)
    watcher.on('error', () => {})
    return watcher
  }
  catch {
    return undefined
  }
}

/** Reads just enough of a file for its header line: 64 kB, then more while no line end is in sight. */
function readHeader(path: string): EntryHeader | null {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const size = fstatSync(fd).size
    for (let want = 64 << 10; ; want *= 4) {
      const buffer = Buffer.alloc(Math.min(size, want, MAX_HEADER_BYTES))
      const length = readSync(fd, buffer, 0, buffer.length, 0)
      if (buffer.subarray(0, length).includes(0x0A) || length >= Math.min(size, MAX_HEADER_BYTES)) return decodeHeader(buffer.subarray(0, length))?.header ?? null
    }
  }
  catch {
    return null
  }
  finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** An entry existed but could not be trusted: the caller warns and rebuilds. */
export class CacheDamageError extends Error {
  override name = 'CacheDamageError'
}
