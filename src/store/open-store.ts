// The one place a store is made: everything else asks here.
import { FixtureStore } from './fixture-store.js'
import { fsDriver } from './drivers/fs.js'

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
