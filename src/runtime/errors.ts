/** A mistake in how `cached()` is used: the message names the fixture and what to do. */
export class CachedFixtureError extends Error {
  override name = 'CachedFixtureError'
}

const warned = new Set<string>()

/** Prints a warning in this worker, once (when the journal cannot carry it to the plugin). */
export function warnHere(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  console.warn(`[vitest-fixture-cache] ${message}`)
}
