/** A mistake in how `cached()` is used: the message names the fixture and what to do. */
export class CachedFixtureError extends Error {
  override name = 'CachedFixtureError'
}

const warned = new Set<string>()

/** Cache trouble never fails a run: it is reported once per worker and the value is rebuilt. */
export function warnOnce(message: string): void {
  if (warned.has(message)) return
  warned.add(message)
  console.warn(`[vitest-fixture-cache] ${message}`)
}
