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
  const stack: Visit[] = [{ value }]
  const seen = new Set<object>()
  while (stack.length) {
    const visit = stack.pop()!
    const current = visit.value
    if (!isContainer(current) || seen.has(current)) continue
    seen.add(current)
    const prototype = Object.getPrototypeOf(current) as object | null
    const mutators = MUTATORS.get(prototype!)
    if (!mutators && !PROPERTY_ONLY.has(prototype)) {
      throw new CachedFixtureError(`fixture ${label}: option "frozen" shares one copy between uses, but ${pathOf(visit, name)} is ${describeKind(current, prototype)}, which JavaScript cannot freeze (a test could change it for the others). `
        + 'Drop "frozen" (each use gets its own copy), or keep that part out of the value')
    }
    const push = (child: unknown, step: Step): void => {
      if (isContainer(child)) stack.push({ value: child, parent: visit, step })
    }
    if (current instanceof Map) for (const [key, entry] of current) push(key, { mapKey: key }), push(entry, { mapValue: key })
    if (current instanceof Set) for (const entry of current) push(entry, { setEntry: true })
    if (Array.isArray(current)) {
      // Elements read directly: a million numbers cost a loop, not a million descriptors.
      for (let index = 0; index < current.length; index++) push(current[index], index)
    }
    else {
      for (const key of Reflect.ownKeys(current)) push(Object.getOwnPropertyDescriptor(current, key)!.value, key)
    }
    for (const method of mutators ?? []) {
      Object.defineProperty(current, method, { value: () => { throw new TypeError(`Cannot ${method} on a frozen cached value (${label}: ${pathOf(visit, name)}); drop the "frozen" option to get a copy of your own`) } })
    }
    Object.freeze(current)
  }
  return value
}

/** How a value is reached from its container: spelled out only for a message. */
type Step = number | string | symbol | { mapKey: unknown } | { mapValue: unknown } | { setEntry: true }
interface Visit { value: unknown, parent?: Visit, step?: Step }

function pathOf(visit: Visit, name: string): string {
  if (!visit.parent) return name
  const container = pathOf(visit.parent, name)
  const step = visit.step!
  if (typeof step === 'number') return `${container}[${step}]`
  if (typeof step !== 'object') return `${container}.${String(step)}`
  if ('mapKey' in step) return `a key of ${container}`
  if ('mapValue' in step) return `${container}.get(${describeKey(step.mapValue)})`
  return `an entry of ${container}`
}

function isContainer(value: unknown): value is object {
  return (typeof value === 'object' && value !== null) || typeof value === 'function'
}

function describeKind(value: object, prototype: object | null): string {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `a ${value.constructor.name}`
  const name = (prototype as { constructor?: { name?: string } } | null)?.constructor?.name
  return name ? `an instance of ${name}` : 'an object of an unknown kind'
}

function describeKey(key: unknown): string {
  return typeof key === 'string' ? JSON.stringify(key) : typeof key === 'object' && key !== null ? '{…}' : String(key)
}
