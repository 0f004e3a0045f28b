import { CachedFixtureError } from './errors.js'

/** Key material: anything JSON can carry. */
export type KeyValue = string | number | boolean | null | KeyValue[] | { [key: string]: KeyValue }

export interface Serializer<V> {
  serialize: (value: V) => Uint8Array | string
  deserialize: (bytes: Buffer) => V
}

export interface CachedOptions<V = unknown, C = any> {
  /** The fixture name; inferred from the `test.extend` key when omitted. */
  name?: string
  /** Extra key material: a JSON value, or a function of the fixture context returning one. */
  key?: KeyValue | ((context: C) => KeyValue | Promise<KeyValue>)
  /** Files (paths or globs, relative to the Vitest root) whose contents join the key. */
  files?: string | string[]
  /** Names of environment variables whose values join the key. */
  env?: string | string[]
  /** Passed on to Vitest. Default `'test'`. */
  scope?: 'test' | 'file' | 'worker'
  /** For values `node:v8` cannot carry faithfully. */
  serializer?: Serializer<V>
  /**
   * Share one deep-frozen copy between uses (per worker; per test file under Vitest's default
   * isolation) instead of a fresh copy per use: for large read-only values. A change throws.
   */
  frozen?: boolean
}

export interface ValidatedOptions {
  name?: string
  key?: CachedOptions['key']
  files: string[]
  env: string[]
  scope: 'test' | 'file' | 'worker'
  serializer?: Serializer<unknown>
  frozen: boolean
}

// cachedValue() takes its name as an argument and has no fixture scope; cachedDir() stores a folder, never a serialized value.
const KNOWN_BY_ENTRY = {
  cached: new Set(['name', 'key', 'files', 'env', 'scope', 'serializer', 'frozen']),
  cachedValue: new Set(['key', 'files', 'env', 'serializer', 'frozen']),
  cachedDir: new Set(['name', 'key', 'files', 'env', 'scope']),
  // cachedDir('name', factory): named by its argument, no scope, no serializer.
  cachedDirValue: new Set(['key', 'files', 'env']),
}

/** `cachedDir()`'s options: `cached()`'s, less the serializer and `frozen` (each use gets its own folder). */
export type CachedDirOptions<C = any> = Omit<CachedOptions<string, C>, 'serializer' | 'frozen'>

/** `cachedDir('name', factory, options?)`'s options: `cachedValue()`'s, less the serializer and `frozen`. */
export type CachedDirValueOptions = Omit<CachedValueOptions, 'serializer' | 'frozen'>

/** `cachedValue()`'s options: what `cached()` takes, less what only a fixture has. */
export type CachedValueOptions<V = unknown> = Omit<CachedOptions<V, never>, 'name' | 'scope' | 'key'> & {
  /** Extra key material: a JSON value, or a function returning one. */
  key?: KeyValue | (() => KeyValue | Promise<KeyValue>)
}
const SCOPES = new Set(['test', 'file', 'worker'])

/** Checks `cached()` (or `cachedValue()`) arguments where they are written, so a mistake fails at definition time. */
export function validateOptions(factory: unknown, options: unknown, label: string, entry: keyof typeof KNOWN_BY_ENTRY = 'cached'): ValidatedOptions {
  const fail = (problem: string): never => {
    throw new CachedFixtureError(`${entry === 'cachedDirValue' ? 'cachedDir' : entry}() ${label}: ${problem}`)
  }
  const known = KNOWN_BY_ENTRY[entry]
  if (typeof factory !== 'function') fail(`the ${entry === 'cachedValue' || entry === 'cachedDirValue' ? 'second' : 'first'} argument must be the factory function, got ${describe(factory)}`)
  if (options === undefined) return { files: [], env: [], scope: 'test', frozen: false }
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    fail(`options must be an object, got ${describe(options)}`)
  const given = options as Record<string, unknown>
  for (const option of Object.keys(given)) {
    if (!known.has(option)) fail(`unknown option "${option}"; known options are ${[...known].join(', ')}`)
  }
  const { name, key, files, env, scope, serializer, frozen } = given
  if (frozen !== undefined && typeof frozen !== 'boolean') fail(`option "frozen" must be true or false, got ${describe(frozen)}`)
  if (name !== undefined && (typeof name !== 'string' || !name)) fail(`option "name" must be a non-empty string, got ${describe(name)}`)
  if (scope !== undefined && !SCOPES.has(scope as string)) fail(`option "scope" must be 'test', 'file' or 'worker', got ${describe(scope)}`)
  if (serializer !== undefined) {
    const { serialize, deserialize } = (serializer ?? {}) as Record<string, unknown>
    if (typeof serialize !== 'function' || typeof deserialize !== 'function')
      fail('option "serializer" must be { serialize(value), deserialize(bytes) }')
  }
  return {
    name: name as string | undefined,
    key: key as CachedOptions['key'],
    files: stringList(files, 'files', fail),
    env: stringList(env, 'env', fail),
    scope: (scope ?? 'test') as ValidatedOptions['scope'],
    serializer: serializer as Serializer<unknown> | undefined,
    frozen: frozen === true,
  }
}

function stringList(value: unknown, option: string, fail: (problem: string) => never): string[] {
  if (value === undefined) return []
  const list = Array.isArray(value) ? value : [value]
  if (!list.every(item => typeof item === 'string' && item))
    fail(`option "${option}" must be a string or an array of strings, got ${describe(value)}`)
  return list as string[]
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (typeof value === 'string') return JSON.stringify(value)
  return `a ${typeof value}`
}
