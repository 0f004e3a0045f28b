// The sweeps: at the start of a run, what killed runs left in the cache dir and the temp folders;
// at its end, the folders its workers cloned folder fixtures from.
import { statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runFolderName, TEMPORARY_FOLDER_PREFIXES } from '../shared/protocol.js'
import { removeTree } from '../shared/remove-tree.js'
import { openStore } from '../store/open-store.js'
import { safeReaddir } from '../store/safe-fs.js'

// Temporary files and locks a killed run left behind; a live writer or lock holder is never this old.
const LEFTOVER_AGE_MS = 60_000
// A run start looks for killed writers' temporary files this often at most (`prune` always does).
const LEFTOVER_SCAN_EVERY_MS = 60 * 60 * 1000

export function removeLeftovers(dir: string): void {
  try {
    openStore(dir).removeLeftovers(LEFTOVER_AGE_MS, { atMostEveryMs: LEFTOVER_SCAN_EVERY_MS })
  }
  catch {
    // A cache dir that cannot be swept is reported when a fixture first uses it.
  }
}

/** What the run's own workers left in the lock folder: Vitest stops them without an exit event. */
export function removeLeftoverLocks(dir: string): void {
  try {
    openStore(dir).removeLeftoverLocks()
  }
  catch {}
}

// Where folder fixtures' temporary folders may be: the chosen folder, memory, the temp folder.
const temporaryRoots = (): string[] => [process.env.FIXTURE_CACHE_COPY_DIR, '/dev/shm', tmpdir()].filter((root): root is string => Boolean(root))

/** Removes the folders this run's workers cloned folder fixtures' copies from. */
export function removeRunCopies(runId: string): void {
  for (const root of temporaryRoots()) removeTree(join(root, runFolderName(runId)))
}

const DAY_MS = 24 * 60 * 60 * 1000

/** Folder fixtures' temporary folders a killed run left behind, a day later. */
export function sweepOldTemporaryFolders(): void {
  const cutoff = Date.now() - DAY_MS
  for (const root of temporaryRoots()) {
    for (const name of safeReaddir(root)) {
      if (!TEMPORARY_FOLDER_PREFIXES.some(prefix => name.startsWith(prefix))) continue
      try {
        if (statSync(join(root, name)).mtimeMs < cutoff) removeTree(join(root, name))
      }
      catch {}
    }
  }
}
