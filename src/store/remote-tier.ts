// The remote tier: entries shared through a cache server someone else runs. Read after the local
// tier misses, checked like a local entry (and by its signature, with a key) before anything is
// decoded; written only by runs allowed to (untrusted runs must not: CVE-2025-36852; see share-built).
import type { RemoteDriver } from './driver.js'
import type { Entry } from './entry-format.js'
import type { Slot } from './paths.js'
import { describeError } from '../shared/describe-error.js'
import { digest } from '../shared/digest.js'
import { FORMAT_VERSION } from '../shared/key.js'
import { RemoteError } from './drivers/http.js'
import { decodeEntry } from './entry-format.js'

/** The artifact a fixture's entry is shared under: one per slot and key, the same on every machine. */
export function artifactId(slot: Slot, key: string): string {
  return digest('vitest-fixture-cache', String(FORMAT_VERSION), slot.name, slot.file, slot.node, key)
}

export class RemoteTier {
  /** Why the tier stopped for this process: a refusing or failing server is asked once, not per fixture. */
  private off?: string

  constructor(readonly driver: RemoteDriver) {}

  /** Whether the server refused or failed, and is no longer asked in this process. */
  get unusable(): boolean {
    return this.off !== undefined
  }

  /** The entry shared for this key, checked whole; null on a miss or any trouble (told to `warn`). */
  async fetch(slot: Slot, key: string, warn: (message: string) => void): Promise<{ entry: Entry, bytes: Uint8Array } | null> {
    if (this.off) return null
    let bytes: Uint8Array | null
    try {
      bytes = await this.driver.get(artifactId(slot, key))
    }
    catch (error) {
      this.trouble(error, warn)
      return null
    }
    if (!bytes) return null
    const entry = decodeEntry(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { node: slot.node })
    if (!entry || entry.header.key !== key || entry.header.name !== slot.name || entry.header.file !== slot.file) {
      warn(`the remote cache at ${this.driver.location} holds a damaged or foreign artifact for "${slot.name}"; rebuilding`)
      return null
    }
    return { entry, bytes }
  }

  /**
   * Shares an entry; false when it was not (the tier is off, or the server refused). Whether this
   * run may write at all is the caller's to decide (only the main process uploads, and only when
   * writing is enabled and the mode is not readonly).
   */
  async upload(slot: Slot, key: string, bytes: Uint8Array, buildMs: number, warn: (message: string) => void): Promise<boolean> {
    if (this.off) return false
    try {
      await this.driver.put(artifactId(slot, key), bytes, buildMs)
      return true
    }
    catch (error) {
      this.trouble(error, warn)
      return false
    }
  }

  private trouble(error: unknown, warn: (message: string) => void): void {
    const message = describeError(error)
    if (error instanceof RemoteError && error.kind === 'untrusted') return warn(`${message}; rebuilding`)
    if (error instanceof RemoteError && error.kind === 'too-large') return warn(`${message}; not shared`)
    this.off = message
    warn(`remote cache unusable (${message}); this run goes on with the local cache only`)
  }
}
