import type { CallSite } from '../shared/protocol.js'
import type { FixtureDefinition } from './definition.js'
import type { CachedOptions } from './options.js'
import { relative, sep } from 'node:path'
import { CachedFixtureError } from './errors.js'
import { validateOptions } from './options.js'
import { provideValue } from './provide-value.js'

type OnCleanup = (cleanup: () => unknown) => void

/**
 * A fixture Vitest accepts in both forms: `{ corpus: fixture }` calls it with `use`,
 * `.extend('corpus', fixture)` with `{ onCleanup }` and takes the returned value.
 */
export interface CachedFixture<V> {
  (context: any, use: (value: V) => Promise<void>): Promise<void>
  (context: any, fixture: { onCleanup: OnCleanup }): Promise<V>
}

export type ScopedCachedFixture<V> = [CachedFixture<V>, { scope: 'file' | 'worker' }]

/**
 * Wraps a fixture factory so its value is stored on disk and reused across runs until
 * the factory's code, its declared inputs or the Node version change.
 * The factory gets the fixture context and returns the value.
 */
export function cached<V, C = any>(
  factory: (context: C) => V | Promise<V>,
  options?: CachedOptions<Awaited<V>, C> & { scope?: 'test' },
): CachedFixture<Awaited<V>>
export function cached<V, C = any>(
  factory: (context: C) => V | Promise<V>,
  options: CachedOptions<Awaited<V>, C> & { scope: 'file' | 'worker' },
): ScopedCachedFixture<Awaited<V>>
export function cached(factory: unknown, options?: unknown, site?: CallSite): CachedFixture<unknown> | ScopedCachedFixture<unknown> {
  const where = site ? ` (${site.file})` : ''
  const given = (options as { name?: unknown } | undefined)?.name
  const named = typeof given === 'string' ? given : site?.name
  // Without the plugin nothing names the call, so point at it instead.
  const label = named ? `"${named}"${where}` : `at ${site?.file ?? callerLocation()}`
  const validated = validateOptions(factory, options, label)
  const name = validated.name ?? site?.name
  if (site && !name) {
    throw new CachedFixtureError(`cached()${where}: cannot tell the fixture name from the source; pass it as cached(factory, { name: '...' })`)
  }
  const definition: FixtureDefinition = { name, label, factory: factory as FixtureDefinition['factory'], options: validated, site }

  const fixture = async (context: Record<string, unknown>, second: unknown): Promise<unknown> => {
    const value = await provideValue(definition, context)
    if (typeof second === 'function') return (second as (value: unknown) => Promise<void>)(value)
    return value
  }
  // Vitest reads a fixture's dependencies from the source of its first parameter.
  Object.defineProperty(fixture, 'toString', { value: () => String(factory), enumerable: false })
  const typed = fixture as CachedFixture<unknown>
  return validated.scope === 'test' ? typed : [typed, { scope: validated.scope }]
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
