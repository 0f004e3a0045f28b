import { CachedFixtureError } from './errors.js'

// Methods that change a Map, Set or Date in place: Object.freeze does not stop them (they write
// internal slots, not properties), so a frozen one gets its own throwing versions.
const MUTATORS = new Map<object, readonly string[]>([
  [Map.prototype, ['set', 'delete', 'clear']],
  [Set.prototype, ['add', 'delete', 'clear']],
  [Date.prototype, Object.getOwnPropertyNames(Date.prototype).filter(name => name.startsWith('set'))],
])

// Containers whose whole state is in their properties: Object.freeze is enough.
const PROPERTY_ONLY = new Set<object | null>([null, Object.prototype, Array.prototype, RegExp.prototype, Error.prototype])

/**
 * Freezes a value all the way down, so that one copy can be shared by every use: a test that
 * changes it gets a TypeError (test files are ES modules, always strict) instead of changing what
 * the next test sees. What cannot be frozen (typed arrays, class instances whose state JavaScript
 * cannot lock) is refused, naming where it sits.
 */
export function deepFreeze<T>(value: T, name: string, label: string): T {
  const stack: Array<{ value: unknown, path: string }> = [{ value, path: name }]
  const seen = new Set<object>()
  while (stack.length) {
    const { value: current, path } = stack.pop()!
    if ((typeof current !== 'object' && typeof current !== 'function') || current === null || seen.has(current)) continue
    seen.add(current)
    const prototype = Object.getPrototypeOf(current) as object | null
    const mutators = MUTATORS.get(prototype!)
    if (!mutators && !PROPERTY_ONLY.has(prototype)) {
      throw new CachedFixtureError(`fixture ${label}: option "frozen" shares one copy between uses, but ${path} is ${describeKind(current, prototype)}, which JavaScript cannot freeze (a test could change it for the others). `
        + 'Drop "frozen" (each use gets its own copy), or keep that part out of the value')
    }
    if (current instanceof Map) for (const [key, entry] of current) stack.push({ value: key, path: `a key of ${path}` }, { value: entry, path: `${path}.get(${describeKey(key)})` })
    if (current instanceof Set) for (const entry of current) stack.push({ value: entry, path: `an entry of ${path}` })
    for (const key of Reflect.ownKeys(current)) {
      const descriptor = Object.getOwnPropertyDescriptor(current, key)!
      if ('value' in descriptor) stack.push({ value: descriptor.value, path: `${path}${Array.isArray(current) ? `[${String(key)}]` : `.${String(key)}`}` })
    }
    for (const method of mutators ?? []) {
      Object.defineProperty(current, method, { value: () => { throw new TypeError(`Cannot ${method} on a frozen cached value (${label}: ${path}); drop the "frozen" option to get a copy of your own`) } })
    }
    Object.freeze(current)
  }
  return value
}

function describeKind(value: object, prototype: object | null): string {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `a ${value.constructor.name}`
  const name = (prototype as { constructor?: { name?: string } } | null)?.constructor?.name
  return name ? `an instance of ${name}` : 'an object of an unknown kind'
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : typeof key === 'object' && key !== null ? '{…}' : String(key)
}
