// File system calls the store makes with care: no following links, no throwing on a missing folder.
import type { Stats } from 'node:fs'
import { closeSync, constants, lstatSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'

export function lstatSafe(path: string): Stats | null {
  try {
    return lstatSync(path)
  }
  catch {
    return null
  }
}

/** Reads a file unless it is a symlink (then null): the cache never follows links out of itself. */
export function readNoFollow(path: string): Buffer | null {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return null
    throw error
  }
  try {
    return readFileSync(fd)
  }
  finally {
    closeSync(fd)
  }
}

/** readNoFollow on libuv's thread pool, so the thread can wait for other things meanwhile. */
export async function readNoFollowAsync(path: string, signal: AbortSignal): Promise<Buffer | null> {
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  }
  catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') return null
    throw error
  }
  try {
    // One read of the whole size, not readFile's 512 kB round trips (three times slower here).
    const buffer = Buffer.allocUnsafe((await handle.stat()).size)
    let filled = 0
    while (filled < buffer.length) {
      signal.throwIfAborted()
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled)
      if (bytesRead === 0) return buffer.subarray(0, filled)
      filled += bytesRead
    }
    return buffer
  }
  finally {
    await handle.close()
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
