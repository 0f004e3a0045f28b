import { randomBytes } from 'node:crypto'
import { linkSync, lstatSync, lutimesSync, readFileSync, readlinkSync, rmSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { basename, dirname, join } from 'node:path'
import { clearInterval, setInterval } from 'node:timers'
import { setTimeout as sleep } from 'node:timers/promises'
import { wallClockDate, wallClockMs } from '../shared/clock.js'
import { lstatSafe } from './safe-fs.js'

// A holder on another machine (a shared cache dir) proves it is alive by refreshing the lock's
// mtime; one not refreshed for this long is taken over.
const REMOTE_STALE_MS = 60_000
const REFRESH_MS = 10_000

export interface Owner {
  host: string
  pid: number
  /** When the process started, where the system says (Linux): tells a reused pid from the owner. */
  started?: string
}

/** What a waiter may stop waiting for, and how it is woken early (a file-system watch). */
export interface WaitUntil {
  /** True when what the lock guards is there (another holder published it): stop waiting. */
  done: () => boolean
  /** A pause that something may cut short. */
  pause: (ms: number) => Promise<void>
}

/**
 * A lock is a hard link to this process's owner file (`{"host":…,"pid":…}`), made in the same
 * folder: linking is one atomic step that fails when the name exists (the classic NFS-safe lock),
 * so a lock is never ownerless, and it makes no inode. Creating an inode is the dearest thing a
 * cold run of many small fixtures does (measured here: 150–400 µs for a file or a symlink, 10 µs
 * for a link). Where the file system has no hard links, the lock is a symbolic link whose target
 * is its owner.
 * On this machine a holder counts as alive while its process exists, so a factory that blocks
 * the event loop for minutes keeps its lock, and a SIGKILLed one loses it at the next poll.
 * Waiting polls with growing pauses: no busy loop. With `until`, a waiter returns null as soon as
 * `done()` says so, without taking the lock: waiters then read in parallel instead of filing
 * through the lock one poll apart.
 */
export async function acquireLock(path: string): Promise<() => void>
export async function acquireLock(path: string, until: WaitUntil): Promise<(() => void) | null>
export async function acquireLock(path: string, until?: WaitUntil): Promise<(() => void) | null> {
  for (let pause = 20; ; pause = Math.min(pause * 1.5, 500)) {
    if (tryCreate(path)) return holdLock(path)
    if (isAbandoned(path)) {
      rmSync(path, { recursive: true, force: true })
      continue
    }
    if (until?.done()) return null
    await (until ? until.pause(pause) : sleep(pause))
  }
}

/** This process, as locks (and run journals) name their owner. */
export function thisProcess(): Owner {
  return { host: hostname(), pid: process.pid, started: processStart(process.pid) }
}

/** True when the owner was a process on this machine that no longer runs; one elsewhere cannot be told. */
export function ownerGone(owner: Owner): boolean {
  return owner.host === hostname() && !isRunning(owner.pid, owner.started)
}

function tryCreate(path: string, again = true): boolean {
  try {
    if (hardLinks) linkSync(ownerFile(dirname(path)), path)
    else symlinkSync(JSON.stringify(thisProcess()), path)
    return true
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EEXIST') return false
    // The owner file was removed (a sweep took it for stale): make it again. A removed folder
    // fails again and goes to the caller, which makes the folder and retries.
    if (code === 'ENOENT' && hardLinks && again) {
      ownerFiles.delete(dirname(path))
      return tryCreate(path, false)
    }
    if (hardLinks && NO_HARD_LINKS.has(code!)) {
      hardLinks = false
      return tryCreate(path)
    }
    throw error
  }
}

let hardLinks = true
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'])

const OWNER_FILE_PREFIX = '.owner-'

// Per lock folder: this process's owner file, and when its mtime was last set.
const ownerFiles = new Map<string, { file: string, touchedAt: number }>()

/**
 * The file every lock of this process in `folder` links to. Its mtime is the locks' age for a
 * waiter on another machine (and for earlier versions): a new link does not change it, so it is
 * set again when older than a refresh.
 */
function ownerFile(folder: string): string {
  let owner = ownerFiles.get(folder)
  const now = wallClockMs()
  if (!owner) {
    const file = join(folder, `${OWNER_FILE_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`)
    writeFileSync(file, JSON.stringify(thisProcess()), { flag: 'wx' })
    ownerFiles.set(folder, owner = { file, touchedAt: now })
  }
  else if (now - owner.touchedAt > REFRESH_MS) {
    const date = wallClockDate()
    utimesSync(owner.file, date, date)
    owner.touchedAt = now
  }
  return owner.file
}

// A process that exits takes its owner files with it. Vitest stops its workers with SIGTERM or
// terminate(), which skip this: their files are spare once their locks are released, and the
// run's end sweeps them (isSpareOwnerFile).
process.once('exit', () => {
  for (const { file } of ownerFiles.values()) {
    try {
      unlinkSync(file)
    }
    catch {}
  }
})

function holdLock(path: string): () => void {
  // node:timers, not the globals: the fixture may be built inside a test that faked them.
  const refresh = setInterval(() => {
    try {
      const now = wallClockDate()
      lutimesSync(path, now, now)
    }
    catch {}
  }, REFRESH_MS)
  refresh.unref()
  return () => {
    clearInterval(refresh)
    try {
      unlinkSync(path)
    }
    catch {}
  }
}

export function isAbandoned(path: string): boolean {
  let age: number
  let kind: 'link' | 'file' | 'folder'
  try {
    const stats = lstatSync(path)
    age = wallClockMs() - stats.mtimeMs
    kind = stats.isSymbolicLink() ? 'link' : stats.isFile() ? 'file' : 'folder'
  }
  catch {
    return false
  }
  let owner: Owner
  try {
    // A hard link to an owner file (or the owner file itself), a symbolic link to where the file
    // system has no hard links, a folder with an owner file from earlier versions.
    const text = kind === 'link' ? readlinkSync(path) : readFileSync(kind === 'file' ? path : join(path, 'owner.json'), 'utf8')
    owner = JSON.parse(text) as Owner
  }
  catch {
    // Unreadable owner: only a damaged lock, since locks appear with their owner.
    return age > REMOTE_STALE_MS
  }
  if (owner.host !== hostname()) return age > REMOTE_STALE_MS
  return ownerGone(owner)
}

/**
 * An owner file no lock links to (or one its process was killed while writing): removing it is
 * always safe, since a process whose owner file is gone makes it again at its next lock.
 */
export function isSpareOwnerFile(path: string): boolean {
  if (!basename(path).startsWith(OWNER_FILE_PREFIX)) return false
  const stats = lstatSafe(path)
  return stats !== null && stats.isFile() && stats.nlink === 1
}

/** True while the process runs: not gone, not a zombie nobody reaped, not a new process with the same pid. */
function isRunning(pid: number, started?: string): boolean {
  try {
    process.kill(pid, 0)
  }
  catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false
  }
  const stat = procStat(pid)
  if (!stat) return true
  return stat.state !== 'Z' && (started === undefined || stat.started === started)
}

// This process's own start time, read once: it is part of every lock it takes.
let ownStart: { started?: string } | undefined

function processStart(pid: number): string | undefined {
  if (pid !== process.pid) return procStat(pid)?.started
  ownStart ??= { started: procStat(pid)?.started }
  return ownStart.started
}

/** State and start time from /proc (Linux); undefined where there is no /proc. */
function procStat(pid: number): { state: string, started: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: read after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0]!, started: fields[19]! }
  }
  catch {
    return undefined
  }
}
