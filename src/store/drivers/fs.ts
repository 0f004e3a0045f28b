// The local file-system driver: a cache dir of the user's own (0700), tagged for backup tools.
import type { BlobMeta, LocalDriver } from '../driver.js'
import type { FSWatcher } from 'node:fs'
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync, utimesSync, watch, writeFileSync } from 'node:fs'
import { dirname, join, resolve, sep } from 'node:path'
import { clearTimeout, setTimeout } from 'node:timers'
import { wallClockDate, wallClockMs } from '../../shared/clock.js'
import { writeAtomicSync } from '../atomic-write.js'
import { acquireLock, isAbandoned, isSpareOwnerFile } from '../lock.js'
import { injectFault, lstatSafe, readNoFollow, readNoFollowWithStats, safeReaddir } from '../safe-fs.js'

const CACHEDIR_TAG = 'Signature: 8a477f597d28d172789f06886806bc55\n'
  + '# This file is a cache directory tag created by vitest-fixture-cache.\n'

// What writeAtomicSync names its temporary files (and write-file-atomic named them before it).
const TEMPORARY = /\.(?:entry|json)\.[0-9a-f]+$/

export interface FsDriverOptions {
  /** The cache dir: absolute. */
  dir: string
  /** Never changes anything on disk (`FIXTURE_CACHE=readonly`). */
  readonly?: boolean
}

export function fsDriver({ dir: given, readonly = false }: FsDriverOptions): LocalDriver {
  // Normalized once: keys are then joined to it as text.
  const dir = resolve(given)
  /** Folders made sure of: each is checked once, not before every lock and write. */
  const ensured = new Set<string>()
  // Keys are the store's own (`entries-v4/<slot>/<id>.entry`): joined as text, not normalized on every use.
  const path = (key: string): string => (key ? `${dir}${sep}${sep === '/' ? key : key.replaceAll('/', sep)}` : dir)

  /**
   * Makes a folder of the cache exist as a real folder. A symlink inside the cache dir is
   * replaced, so nothing is ever written through it to elsewhere; a file standing where the
   * cache dir should be is the user's, and is reported, not removed.
   */
  function ensureFolder(folder: string): void {
    if (ensured.has(folder)) return
    if (folder === dir || !folder.startsWith(dir + sep)) {
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      if (!existsSync(join(dir, 'CACHEDIR.TAG'))) writeFileSync(join(dir, 'CACHEDIR.TAG'), CACHEDIR_TAG, { mode: 0o600 })
    }
    else {
      ensureFolder(dirname(folder))
      const stats = lstatSafe(folder)
      if (stats && !stats.isDirectory()) rmSync(folder, { force: true })
      // Recursive: another worker may make it at the same moment.
      if (!stats?.isDirectory()) mkdirSync(folder, { recursive: true, mode: 0o700 })
    }
    ensured.add(folder)
  }

  /** Runs a step that creates something in a folder; when the folder vanished meanwhile (`clear` during a run), makes it again, once. */
  function inFolder<T>(folder: string, step: () => T): T {
    ensureFolder(folder)
    const again = (error: unknown): T => {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
      ensured.clear()
      ensureFolder(folder)
      return step()
    }
    try {
      const result = step()
      // A step that waits (a lock) fails later: the same retry, on its promise.
      return result instanceof Promise ? result.catch(again) as T : result
    }
    catch (error) {
      return again(error)
    }
  }

  function writable(): void {
    if (readonly) throw new Error(`[vitest-fixture-cache] [fs] ${dir} is read-only in this run`)
  }

  return {
    name: 'fs',
    location: dir,

    get(key) {
      try {
        return readNoFollow(path(key))
      }
      catch (error) {
        const code = (error as NodeJS.ErrnoException).code
        // Nothing there, or a file where a folder should be: a miss.
        if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null
        throw error
      }
    },

    getWithMeta(key, maxBytes) {
      try {
        const read = readNoFollowWithStats(path(key), maxBytes)
        return read && { bytes: read.bytes, meta: { size: read.stats.size, usedAt: read.stats.mtimeMs } }
      }
      catch {
        return null
      }
    },

    getStart(key, bytes) {
      let fd: number | undefined
      try {
        fd = openSync(path(key), 'r')
        const buffer = Buffer.alloc(bytes)
        return buffer.subarray(0, readSync(fd, buffer, 0, bytes, 0))
      }
      catch {
        return null
      }
      finally {
        if (fd !== undefined) closeSync(fd)
      }
    },

    put(key, bytes) {
      writable()
      injectFault('write')
      const file = path(key)
      // Synchronous: a cold run of hundreds of small fixtures paid ~1.3 ms per entry for async steps.
      inFolder(dirname(file), () => writeAtomicSync(file, bytes))
    },

    list(folder) {
      // A symlink in place of a folder is never followed: nothing outside is read or removed.
      return lstatSafe(path(folder))?.isDirectory() ? safeReaddir(path(folder)) : []
    },

    meta(key): BlobMeta | null {
      const stats = lstatSafe(path(key))
      return stats?.isFile() ? { size: stats.size, usedAt: stats.mtimeMs } : null
    },

    remove(key) {
      writable()
      rmSync(path(key), { recursive: true, force: true })
    },

    touch(key) {
      if (readonly) return
      const now = wallClockDate()
      try {
        utimesSync(path(key), now, now)
      }
      catch {}
    },

    async lock(key, until) {
      writable()
      const file = path(key)
      if (!until) return inFolder(dirname(file), () => acquireLock(file))
      let wake: (() => void) | undefined
      let watcher: FSWatcher | undefined
      try {
        return await inFolder(dirname(file), () => acquireLock(file, {
          done: until.done,
          // node:timers, not the globals: a test may have faked them.
          pause: ms => new Promise((resolve) => {
            // Watched only once there is something to wait for: most locks are free.
            if (!watcher) {
              ensureFolder(path(until.folder))
              watcher = watchFolder(path(until.folder), () => wake?.())
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
    },

    sweep(olderThanMs) {
      if (readonly) return []
      const removed: string[] = []
      const remove = (file: string): void => {
        rmSync(file, { recursive: true, force: true })
        removed.push(file)
      }
      const locks = join(dir, 'locks')
      for (const name of safeReaddir(locks)) {
        const file = join(locks, name)
        if (isSpareOwnerFile(file) || isAbandoned(file)) remove(file)
      }
      if (olderThanMs === null) return removed
      // Temporary files live for the moment of one synchronous write: an old one is a killed writer's.
      const cutoff = wallClockMs() - olderThanMs
      const folders = [dir, ...safeReaddir(dir).flatMap(name => safeReaddir(join(dir, name)).map(sub => join(dir, name, sub)))]
      for (const folder of folders) {
        if (!lstatSafe(folder)?.isDirectory()) continue
        for (const name of safeReaddir(folder)) {
          if (TEMPORARY.test(name) && (lstatSafe(join(folder, name))?.mtimeMs ?? Infinity) <= cutoff) remove(join(folder, name))
        }
      }
      return removed
    },
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
