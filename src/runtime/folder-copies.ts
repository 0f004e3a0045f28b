// Where folder fixtures are built and copied, and how. Creating files is what a copy costs, and on
// a disk that can be a millisecond a file (measured here: 10,000 files in 6–13 s, `cp -a` the
// same); in memory (tmpfs) it is microseconds. So copies go to /dev/shm when it is a memory file
// system mounted without noexec with room to spare, written from the snapshot. Elsewhere a worker
// restores the snapshot once and clones that copy for each use (`COPYFILE_FICLONE`: a copy-on-write
// clone where the file system has them, btrfs, XFS, APFS; else the kernel copies the bytes).
// `FIXTURE_CACHE_COPY_DIR` chooses the folder instead; it is read once, before any factory runs,
// so it never counts as something a factory read.
import { mkdirSync, mkdtempSync, readFileSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runFolderName } from '../shared/protocol.js'
import { restoreDir } from './dir-snapshot.js'

const CHOSEN = process.env.FIXTURE_CACHE_COPY_DIR
const MEMORY = '/dev/shm'
// Room left for the tests' own writes into their copies, and for copies of other workers.
const HEADROOM = 4

let memoryUsable: boolean | undefined

/** The folder to make a temporary tree of about `bytes` in, and whether it is in memory. */
export function copyRoot(bytes: number): { root: string, memory: boolean } {
  if (CHOSEN) return { root: CHOSEN, memory: false }
  memoryUsable ??= isMemoryFolder(MEMORY)
  if (memoryUsable) {
    try {
      const stats = statfsSync(MEMORY)
      if (stats.bavail * stats.bsize > bytes * HEADROOM) return { root: MEMORY, memory: true }
    }
    catch {}
  }
  return { root: tmpdir(), memory: false }
}

/** How a use's copy was made: written from the snapshot, or cloned from this worker's restored copy. */
export type CopyMethod = 'written' | 'cloned'

// Per snapshot (by its digest), this worker's restored copy that uses are cloned from. It lives in
// the run's folder, which the plugin removes when the run ends (workers are killed, not exited).
const pristine = new Map<string, string>()

/**
 * A fresh copy of a folder snapshot, in a new temporary folder named after the fixture; with
 * `untilRunEnd`, inside the run's folder, which the plugin removes when the run ends.
 */
export function copyOfSnapshot(snapshot: Buffer, valueDigest: string, name: string, runId: string, untilRunEnd = false, where = copyRoot(snapshot.length)): { path: string, method: CopyMethod } {
  const { root, memory } = where
  const runFolder = join(root, runFolderName(runId))
  if (untilRunEnd) mkdirSync(runFolder, { recursive: true, mode: 0o700 })
  const path = mkdtempSync(join(untilRunEnd ? runFolder : root, `vfc-dir-${name.replace(/\W+/g, '_').slice(0, 40)}-`))
  // In memory writing is cheap; a snapshot of unknown digest (the cache off) has no restored copy to reuse.
  if (memory || !valueDigest) {
    restoreDir(snapshot, path)
    return { path, method: 'written' }
  }
  let source = pristine.get(`${runId}\0${valueDigest}`)
  if (!source) {
    mkdirSync(runFolder, { recursive: true, mode: 0o700 })
    source = mkdtempSync(join(runFolder, 'copy-'))
    restoreDir(snapshot, source)
    pristine.set(`${runId}\0${valueDigest}`, source)
  }
  restoreDir(snapshot, path, source)
  return { path, method: 'cloned' }
}

function isMemoryFolder(folder: string): boolean {
  try {
    const mount = readFileSync('/proc/mounts', 'utf8').split('\n').map(line => line.split(' ')).find(fields => fields[1] === folder)
    return mount?.[2] === 'tmpfs' && !(mount[3] ?? '').split(',').includes('noexec')
  }
  catch {
    return false
  }
}
