// A driver in memory, for tests and for runs that cannot use the disk: nothing outlives the process.
import type { LocalDriver } from '../driver.js'
import { wallClockMs } from '../../shared/clock.js'

export function memoryDriver(): LocalDriver {
  const blobs = new Map<string, { bytes: Uint8Array, usedAt: number }>()
  const locks = new Map<string, Promise<void>>()
  // Settled by every put: a waiter then looks whether what it waits for is there.
  let changed = settleable()
  const childOf = (folder: string, key: string): string | undefined => {
    const prefix = folder ? `${folder}/` : ''
    return key.startsWith(prefix) ? key.slice(prefix.length).split('/')[0] : undefined
  }

  return {
    name: 'memory',
    location: 'memory',
    get: key => blobs.get(key)?.bytes ?? null,
    getStart: key => blobs.get(key)?.bytes ?? null,
    getWithMeta(key, maxBytes) {
      const blob = blobs.get(key)
      return blob && blob.bytes.length <= maxBytes ? { bytes: blob.bytes, meta: { size: blob.bytes.length, usedAt: blob.usedAt } } : null
    },
    put(key, bytes) {
      // A copy: the caller's buffers may change after this returns.
      blobs.set(key, { bytes: Buffer.concat(ArrayBuffer.isView(bytes) ? [bytes] : bytes), usedAt: wallClockMs() })
      changed.resolve()
      changed = settleable()
    },
    list: folder => [...new Set([...blobs.keys()].flatMap(key => childOf(folder, key) ?? []))],
    meta(key) {
      const blob = blobs.get(key)
      return blob ? { size: blob.bytes.length, usedAt: blob.usedAt } : null
    },
    remove(key) {
      for (const stored of [...blobs.keys()]) {
        if (stored === key || stored.startsWith(`${key}/`)) blobs.delete(stored)
      }
    },
    touch(key) {
      const blob = blobs.get(key)
      if (blob) blob.usedAt = wallClockMs()
    },
    async lock(key, until) {
      // Single flight within the process: each holder waits for the one before it.
      for (let held = locks.get(key); held; held = locks.get(key)) {
        if (until?.done()) return null
        await (until ? Promise.race([held, changed.promise]) : held)
      }
      let release!: () => void
      locks.set(key, new Promise<void>((resolve) => {
        release = resolve
      }))
      return () => {
        locks.delete(key)
        release()
      }
    },
    sweep: () => [],
  }
}

/** A promise with its resolve beside it (Node 20 has no Promise.withResolvers). */
function settleable(): { promise: Promise<void>, resolve: () => void } {
  let resolve!: () => void
  const promise = new Promise<void>((settle) => {
    resolve = settle
  })
  return { promise, resolve }
}
