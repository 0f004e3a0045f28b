import type { CallSite } from '../shared/protocol.js'
import type { FixtureDefinition } from './definition.js'
import type { CachedValueOptions } from './options.js'
import { CachedFixtureError } from './errors.js'
import { validateOptions } from './options.js'
import { provideValue } from './provide-value.js'

/**
 * A value built once and stored like a cached fixture's, for code outside `test.extend`: the top
 * level of a test file, `beforeAll`/`beforeEach`, setup files and `globalSetup`. Keyed the same
 * way (the factory and what it reaches, what it reads, `key`, `files`, `env`); each call gets its
 * own copy.
 */
export function cachedValue<V>(name: string, factory: () => V | Promise<V>, options?: CachedValueOptions<Awaited<V>>): Promise<Awaited<V>>
export async function cachedValue(name: unknown, factory: unknown, options?: unknown, site?: CallSite): Promise<unknown> {
  const where = site ? ` (${site.file})` : ''
  if (typeof name !== 'string' || !name) throw new CachedFixtureError(`cachedValue()${where}: the first argument must be the value's name, a non-empty string`)
  const label = `"${name}"${where}`
  const validated = validateOptions(factory, options, label, 'cachedValue')
  if (site && site.name !== name) {
    throw new CachedFixtureError(`cachedValue() ${label}: write the name as a string literal (cachedValue('${name}', …)), so the plugin can tell the value's code apart`)
  }
  const definition: FixtureDefinition = { name, label, factory: factory as FixtureDefinition['factory'], options: validated, site }
  return provideValue(definition, {})
}
