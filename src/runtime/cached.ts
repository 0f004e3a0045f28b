import type { CallSite } from '../shared/protocol.js'
import type { FixtureDefinition } from './definition.js'
import type { CachedOptions } from './options.js'
import { relative, sep } from 'node:path'
import { CachedFixtureError } from './errors.js'
import { validateOptions } from './options.js'
import { provideValue } from './provide-value.js'

/**
 * What `cached()` hands to `test.extend`: a fixture function that works in both forms
 * (`{ corpus: fixture }` calls it with `use`, `.extend('corpus', fixture)` with `{ onCleanup }`).
 * The first two signatures are the two forms, for Vitest's assignability checks. TypeScript
 * infers from the last signature only: it carries the value in `use` (what the object form infers
 * from) and in the result (what the builder form infers from), so both infer the value exactly;
 * and `C`, inferred from where the fixture is passed, types the upstream fixtures in the factory.
 */
export interface CachedFixture<V, C = any> {
  (context: C, use: (value: V) => Promise<void>): Promise<void>
  (context: C, fixture: { onCleanup: (cleanup: () => any) => void }): Promise<V>
  (context: C, use: (value: V) => Promise<void>): Promise<V>
}

/**
 * `cached(factory, { scope: 'file' | 'worker' })`: at run time Vitest's `[fixture, { scope }]`
 * tuple, typed as the object form's fixture function. It has no builder signature, so
 * `.extend('x', cached(f, { scope: 'file' }))` fails to compile: there the scope belongs in
 * Vitest's options (`.extend('x', { scope: 'file' }, cached(f))`).
 */
export interface ScopedCachedFixture<V, C = any> {
  (context: C, use: (value: V) => Promise<void>): Promise<void>
  (context: C, use: (value: V) => Promise<void>): Promise<V>
}

/**
 * Wraps a fixture factory so its value is stored on disk and reused across runs until
 * the factory's code, its declared inputs or the Node version change.
 * The factory gets the fixture context and returns the value. With `scope: 'file' | 'worker'`
 * it becomes Vitest's `[fixture, { scope }]` tuple.
 */
export function cached<V, C = any>(
  factory: (context: C) => V | Promise<V>,
  options?: CachedOptions<Awaited<V>, C> & { scope?: 'test' },
): CachedFixture<Awaited<V>, C>
export function cached<V, C = any>(
  factory: (context: C) => V | Promise<V>,
  options: CachedOptions<Awaited<V>, C>,
): ScopedCachedFixture<Awaited<V>, C>
export function cached(factory: unknown, options?: unknown, site?: CallSite): unknown {
  return fixtureOf(defineFixture('cached', factory, options, site))
}

/** Checks a `cached()` or `cachedDir()` call and names it: from its options, else from the `test.extend` key the plugin read. */
export function defineFixture(entry: 'cached' | 'cachedDir', factory: unknown, options: unknown, site: CallSite | undefined): FixtureDefinition {
  const where = site ? ` (${site.file})` : ''
  const given = (options as { name?: unknown } | undefined)?.name
  const named = typeof given === 'string' ? given : site?.name
  // Without the plugin nothing names the call, so point at it instead.
  const label = named ? `"${named}"${where}` : `at ${site?.file ?? callerLocation()}`
  const validated = validateOptions(factory, options, label, entry)
  const name = validated.name ?? site?.name
  if (site && !name) {
    throw new CachedFixtureError(`${entry}()${where}: cannot tell the fixture name from the source; pass it as ${entry}(factory, { name: '...' })`)
  }
  return { name, label, factory: factory as FixtureDefinition['factory'], options: validated, site }
}

/**
 * The function `test.extend` gets. It works in both forms: `{ corpus: fixture }` calls it with
 * `use`, `.extend('corpus', fixture)` with `{ onCleanup }`.
 */
export function fixtureOf(definition: FixtureDefinition, source: unknown = definition.factory): unknown {
  const fixture = async (context: Record<string, unknown>, second: unknown): Promise<unknown> => {
    const cleanups: Array<() => void> = []
    const given = await provideValue(definition, context, cleanup => cleanups.push(cleanup))
    if (typeof second === 'function') {
      try {
        return await (second as (value: unknown) => Promise<void>)(given)
      }
      finally {
        for (const cleanup of cleanups) cleanup()
      }
    }
    const onCleanup = (second as { onCleanup?: (cleanup: () => void) => void } | undefined)?.onCleanup
    for (const cleanup of cleanups) onCleanup?.(cleanup)
    return given
  }
  // Vitest reads a fixture's dependencies from the source of its first parameter.
  Object.defineProperty(fixture, 'toString', { value: () => String(source), enumerable: false })
  return definition.options.scope === 'test' ? fixture : [fixture, { scope: definition.options.scope }]
}

/** `test/fixtures.ts:12` for the code that called cached(), from a (source-mapped) stack trace. */
function callerLocation(): string {
  const frames = new Error('location').stack?.split('\n').slice(1) ?? []
  const frame = frames.find(line => !line.includes('vitest-fixture-cache') && /\d+:\d+\)?$/.test(line))
  const match = frame?.match(/\(?(?:file:\/\/)?([^()\s]+):(\d+):\d+\)?$/)
  if (!match) return 'an unknown place'
  const [, file = '', line] = match
  return `${relative(process.cwd(), file).split(sep).join('/')}:${line}`
}
