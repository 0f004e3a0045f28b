// What a storage backend must do for the store, after unstorage's drivers: a few required
// methods, and optional ones that are capabilities. The entry format and its checksum sit above
// the drivers, so bytes from any of them are checked the same way before anything is decoded.

export type MaybePromise<T> = T | Promise<T>

/** Size and last use of stored bytes. */
export interface BlobMeta {
  size: number
  /** When a run last read or wrote them (ms since the epoch). */
  usedAt: number
}

/** Bytes to store: whole, or pieces written one after another (a big payload is not copied to put a header before it). */
export type Pieces = Uint8Array | readonly Uint8Array[]

/** A store of bytes by key; keys are `/`-separated paths (`entries-v4/corpus-3f2a…/9c1e….entry`). */
export interface Driver {
  /** Short name for messages: `fs`, `memory`, `turborepo`. */
  readonly name: string
  /** Where it stores, for messages; never holds a secret. */
  readonly location: string
  /** The bytes under a key, or null when there are none. */
  get: (key: string) => MaybePromise<Uint8Array | null>
  /** Stores bytes under a key, whole or not at all. */
  put: (key: string, bytes: Uint8Array) => MaybePromise<void>
  /** The first bytes under a key (at least `bytes` of them when there are that many), for headers. */
  getStart?: (key: string, bytes: number) => MaybePromise<Uint8Array | null>
  /** Names directly under a folder key; folders reached through a link are not listed. */
  list?: (folder: string) => MaybePromise<string[]>
  meta?: (key: string) => MaybePromise<BlobMeta | null>
  remove?: (key: string) => MaybePromise<void>
  /** Records a use, for least-recently-used pruning. */
  touch?: (key: string) => MaybePromise<void>
  /**
   * Waits until no other worker or process holds this lock; returns the release. With `until`,
   * returns null, without the lock, as soon as `until.done()` says what it guards is there; a
   * change under `until.folder` makes it look again at once.
   */
  lock?: (key: string, until?: { done: () => boolean, folder: string }) => Promise<(() => void) | null>
  /**
   * Removes what killed runs left behind (abandoned locks, and temporary files older than
   * `olderThanMs`, or none when it is null); returns what it removed.
   */
  sweep?: (olderThanMs: number | null) => string[]
}

/** What the local tier needs: every capability, answered synchronously (a hit costs microseconds). */
export interface LocalDriver extends Driver {
  get: (key: string) => Uint8Array | null
  /** The bytes with their size and last use, in one look: none when missing or larger than `maxBytes`. */
  getWithMeta: (key: string, maxBytes: number) => { bytes: Uint8Array, meta: BlobMeta } | null
  put: (key: string, bytes: Pieces) => void
  getStart: (key: string, bytes: number) => Uint8Array | null
  list: (folder: string) => string[]
  meta: (key: string) => BlobMeta | null
  remove: (key: string) => void
  touch: (key: string) => void
  lock: NonNullable<Driver['lock']>
  sweep: NonNullable<Driver['sweep']>
}

/** What a remote tier needs: bytes by id, asynchronously; `buildMs` tells servers that keep it how long the build took. */
export interface RemoteDriver extends Driver {
  get: (key: string) => Promise<Uint8Array | null>
  put: (key: string, bytes: Uint8Array, buildMs?: number) => Promise<void>
}
