// The one place a store is made: everything else asks here.
import type { RemoteConfig } from '../shared/protocol.js'
import { bazelDriver } from './drivers/bazel.js'
import { fsDriver } from './drivers/fs.js'
import { turborepoDriver } from './drivers/turborepo.js'
import { FixtureStore } from './fixture-store.js'
import { RemoteTier } from './remote-tier.js'

const stores = new Map<string, FixtureStore>()

/**
 * The local store of a cache dir, one per dir and mode in a process: what it learned (folders
 * made, uses recorded) serves every caller. Read-only never changes anything on disk.
 */
export function openStore(dir: string, options: { readonly?: boolean } = {}): FixtureStore {
  const readonly = options.readonly ?? false
  const id = `${readonly}\0${dir}`
  let store = stores.get(id)
  if (!store) stores.set(id, store = new FixtureStore(fsDriver({ dir, readonly }), { readonly }))
  return store
}

const remotes = new Map<string, RemoteTier>()

/**
 * The remote tier of a server, one per process, whoever asks (a server that failed is not asked
 * again). Writing is not the tier's business: only the main process uploads, when allowed.
 */
export function openRemote(options: RemoteConfig): RemoteTier {
  const id = JSON.stringify([options.protocol, options.url, options.team, options.signatureKey ?? '', options.token ?? ''])
  let remote = remotes.get(id)
  if (!remote) {
    const driver = options.protocol === 'bazel' ? bazelDriver(options) : turborepoDriver(options)
    remotes.set(id, remote = new RemoteTier(driver))
  }
  return remote
}
