// File system calls the store makes with care: no following links, no throwing on a missing folder.
import type { Stats } from 'node:fs'
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync } from 'node:fs'

export function lstatSafe(path: string): Stats | null {
  try {
    // Without throwing for a missing path: a thrown error costs ~15 µs, and a cold run asks
    // about hundreds of folders that are not there yet.
    return lstatSync(path, { throwIfNoEntry: false }) ?? null
  }
  catch {
    return null
  }
}

/** Reads a file unless it is a symlink (then null): the cache never follows links out of itself. */
export function readNoFollow(path: string): Buffer | null {
  try {
    return readNoFollowWithStats(path, Number.POSITIVE_INFINITY)?.bytes ?? null
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return null
    throw error
  }
}

/**
 * Reads a regular file with its stats from the same descriptor: one open and one fstat where an
 * lstat and a read took two lookups of the path and a read more for the end. Throws for a
 * symlink (ELOOP: never followed) as for a missing file; null for what is not a regular file or
 * is larger than `maxBytes` (then nothing is read).
 */
export function readNoFollowWithStats(path: string, maxBytes: number): { bytes: Buffer, stats: Stats } | null {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  try {
    const stats = fstatSync(fd)
    if (!stats.isFile() || stats.size > maxBytes) return null
    const bytes = Buffer.allocUnsafe(stats.size)
    let at = 0
    // Entries are replaced by rename, never changed in place: the size holds while the file is open.
    while (at < bytes.length) {
      const read = readSync(fd, bytes, at, bytes.length - at, at)
      if (read === 0) break
      at += read
    }
    return { bytes: bytes.subarray(0, at), stats }
  }
  finally {
    closeSync(fd)
  }
}

/**
 * Lets tests make the store fail where a real disk would (`write:ENOSPC`), which root
 * cannot otherwise provoke. Unset in normal use.
 */
export function injectFault(operation: string): void {
  const fault = process.env.VITEST_FIXTURE_CACHE_FAULT
  if (!fault?.startsWith(`${operation}:`)) return
  const code = fault.slice(operation.length + 1)
  throw Object.assign(new Error(`${code}: injected fault, ${operation}`), { code })
}

export function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder)
  }
  catch {
    return []
  }
}
