import type { Entry, EntryHeader, HeaderFields } from './entry-format.js'
import type { Slot } from './paths.js'
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'
import writeFileAtomic from 'write-file-atomic'
import { decodeEntry, decodeHeader, encodeEntry, MAX_HEADER_BYTES } from './entry-format.js'
import { ENTRIES_DIR, entryPath, slotDir, slotFolder } from './paths.js'

const CACHEDIR_TAG = 'Signature: 8a477f597d28d172789f06886806bc55\n'
  + '# This file is a cache directory tag created by vitest-fixture-cache.\n'

// A lock holder refreshes its lock every `update` ms; one not refreshed for `stale` ms
// belongs to a dead process and is taken over. A long factory keeps refreshing.
const LOCK_OPTIONS = {
  realpath: false,
  stale: 10_000,
  update: 2_000,
  retries: { forever: true, minTimeout: 25, maxTimeout: 500, factor: 1.5 },
} as const

export interface StoredEntry {
  path: string
  header: EntryHeader
  /** Bytes on disk, header included. */
  bytes: number
  /** When a run last read or wrote it. */
  usedAt: Date
}

/** The only code that touches the cache directory. */
export class FixtureStore {
  constructor(readonly dir: string) {}

  /** The entry for this key, or null on a miss; a damaged entry is removed and counts as a miss. */
  read(slot: Slot, key: string): Entry | null {
    const path = entryPath(this.dir, slot, key)
    let bytes: Buffer
    try {
      bytes = readFileSync(path)
    }
    catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
    const entry = decodeEntry(bytes, { key, node: slot.node })
    if (!entry) {
      rmSync(path, { force: true })
      throw new CacheDamageError(`entry ${path} is damaged; rebuilding`)
    }
    return entry
  }

  /** Records a use, so pruning removes the least recently used entries first. Best effort. */
  touch(slot: Slot, key: string): void {
    const now = new Date()
    try {
      utimesSync(entryPath(this.dir, slot, key), now, now)
    }
    catch {}
  }

  /** Headers of the other entries of this slot: what the fixture was built from before. */
  previous(slot: Slot, key: string): EntryHeader[] {
    return this.entriesOf(slotDir(this.dir, slot)).filter(entry => entry.header.key !== key).map(entry => entry.header)
  }

  /** Headers of this fixture's entries built on other Node versions. */
  otherRuntimes(slot: Slot): EntryHeader[] {
    return this.list().map(entry => entry.header)
      .filter(header => header.name === slot.name && header.file === slot.file && header.node !== slot.node)
  }

  /** Publishes an entry atomically and removes the entries it replaces. */
  async write(slot: Slot, fields: HeaderFields, payload: Uint8Array): Promise<void> {
    this.ensureDir()
    const path = entryPath(this.dir, slot, fields.key)
    mkdirSync(slotDir(this.dir, slot), { recursive: true, mode: 0o700 })
    await writeFileAtomic(path, encodeEntry(fields, payload), { mode: 0o600, fsync: false })
    for (const old of this.entriesOf(slotDir(this.dir, slot))) {
      if (old.header.key !== fields.key) rmSync(old.path, { force: true })
    }
  }

  /** Waits, without spinning, until no other process builds this entry; returns the release. */
  async lock(slot: Slot, key: string): Promise<() => Promise<void>> {
    this.ensureDir()
    const locks = join(this.dir, 'locks')
    mkdirSync(locks, { recursive: true, mode: 0o700 })
    // proper-lockfile needs a path to lock; the lock itself is the `.lock` folder beside it.
    const path = join(locks, `${slotFolder(slot)}-${key.slice(0, 32)}`)
    return lockfile.lock(path, { ...LOCK_OPTIONS, lockfilePath: `${path}.lock` })
  }

  /** Every readable entry header in the cache. */
  list(): StoredEntry[] {
    const root = join(this.dir, ENTRIES_DIR)
    return safeReaddir(root).flatMap(folder => this.entriesOf(join(root, folder)))
  }

  remove(path: string): void {
    rmSync(path, { force: true })
  }

  /** A JSON document the cache keeps beside its entries (module summaries); null when absent or unreadable. */
  readDocument<T>(name: string): T | null {
    try {
      return JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as T
    }
    catch {
      return null
    }
  }

  /** Replaces a JSON document atomically: concurrent writers cannot leave half a file. */
  async writeDocument(name: string, value: unknown): Promise<void> {
    this.ensureDir()
    await writeFileAtomic(join(this.dir, name), JSON.stringify(value), { mode: 0o600, fsync: false })
  }

  /** Removes what interrupted runs left behind: temporary files, and locks no process holds. */
  removeLeftovers(olderThanMs: number): string[] {
    const removed: string[] = []
    const cutoff = Date.now() - olderThanMs
    const sweep = (folder: string, isLeftover: (name: string) => boolean) => {
      for (const name of safeReaddir(folder)) {
        const path = join(folder, name)
        if (isLeftover(name) && statSync(path).mtimeMs < cutoff) {
          rmSync(path, { recursive: true, force: true })
          removed.push(path)
        }
      }
    }
    const entries = join(this.dir, ENTRIES_DIR)
    for (const folder of safeReaddir(entries)) sweep(join(entries, folder), name => !name.endsWith('.entry'))
    sweep(join(this.dir, 'locks'), () => true)
    return removed
  }

  private entriesOf(folder: string): StoredEntry[] {
    return safeReaddir(folder).filter(name => name.endsWith('.entry')).flatMap((name) => {
      const path = join(folder, name)
      const header = readHeader(path)
      if (!header) return []
      const stats = statSync(path)
      return [{ path, header, bytes: stats.size, usedAt: stats.mtime }]
    })
  }

  private ensureDir(): void {
    if (existsSync(join(this.dir, 'CACHEDIR.TAG'))) return
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
    writeFileSync(join(this.dir, 'CACHEDIR.TAG'), CACHEDIR_TAG, { mode: 0o600 })
  }
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder)
  }
  catch {
    return []
  }
}

/** Reads just enough of a file for its header line. */
function readHeader(path: string): EntryHeader | null {
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const buffer = Buffer.alloc(Math.min(fstatSync(fd).size, MAX_HEADER_BYTES))
    const length = readSync(fd, buffer, 0, buffer.length, 0)
    return decodeHeader(buffer.subarray(0, length))?.header ?? null
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
