import { inspect } from 'node:util'

// node:v8 carries these faithfully; an instance of any other class would come back as a plain object.
const FAITHFUL_PROTOTYPES = new Set<object | null>([
  null, Object.prototype, Array.prototype, Map.prototype, Set.prototype, Date.prototype, RegExp.prototype,
  ArrayBuffer.prototype, DataView.prototype, Buffer.prototype,
  Number.prototype, String.prototype, Boolean.prototype, BigInt.prototype,
  Error.prototype, EvalError.prototype, RangeError.prototype, ReferenceError.prototype,
  SyntaxError.prototype, TypeError.prototype, URIError.prototype,
])

/** A place in the value: its step is spelled from its key only when a message needs it. */
interface Visit { value: unknown, parent?: Visit, step?: string, key?: string | number }

/** Where a value sits inside the whole: property names and array indexes from the root. */
export type ValuePath = Array<string | number>

// Typed arrays JSON cannot carry but whose bytes can travel beside the text, exactly.
const BINARY_VIEWS = new Map<object, string>([
  Buffer, Uint8Array, Int8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array,
  Float32Array, Float64Array, BigInt64Array, BigUint64Array,
].map(type => [type.prototype, type.name]))

/** The name of a typed array type whose bytes can be stored beside JSON text, or undefined. */
export function binaryViewType(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? BINARY_VIEWS.get(Object.getPrototypeOf(value) as object) : undefined
}

export interface ValueCheck {
  /** Where the value holds something `node:v8` would drop, reject or change: `corpus.items[3].parse is a function`. */
  problem?: string
  /** True when JSON carries the value exactly (plain data, no shared references): JSON reads back faster than v8. */
  jsonExact: boolean
  /** Where typed arrays sit in an otherwise JSON-exact value: their bytes are stored beside the text. */
  binary?: ValuePath[]
}

/**
 * Walks a freshly built value once: is it storable, and is JSON enough to store it? Primitives
 * are checked where they sit and paths are spelled out only for a problem: a million records
 * cost a walk, not a million strings.
 */
export function checkValue(value: unknown, rootName: string): ValueCheck {
  const seen = new Set<object>()
  const stack: Visit[] = [{ value, step: rootName }]
  let jsonExact = true
  const binary: ValuePath[] = []
  const memory: Memory[] = []
  while (stack.length) {
    const visit = stack.pop()!
    const problem = problemWith(visit.value)
    if (problem) return { problem: `${pathOf(visit)} ${problem}`, jsonExact: false }
    const current = visit.value
    if (jsonExact && !isJsonExact(current)) {
      // A typed array as the whole value gains nothing from JSON: v8 takes it.
      if (binaryViewType(current) && visit.parent && !seen.has(current as object)) binary.push(keyPath(visit))
      else jsonExact = false
    }
    if (typeof current !== 'object' || current === null) continue
    if (seen.has(current)) {
      // A shared or circular reference: JSON would copy it, or fail.
      jsonExact = false
      continue
    }
    seen.add(current)
    if (ArrayBuffer.isView(current)) {
      memory.push({ buffer: current.buffer, start: current.byteOffset, end: current.byteOffset + current.byteLength, visit })
      continue
    }
    if (current instanceof ArrayBuffer) memory.push({ buffer: current, start: 0, end: current.byteLength, visit })
    if (current instanceof Map) {
      let index = 0
      for (const [key, entry] of current) {
        stack.push({ value: key, parent: visit, step: `.keys()[${index}]` })
        stack.push({ value: entry, parent: visit, step: `.get(${describeKey(key, index)})` })
        index++
      }
    }
    else if (current instanceof Set) {
      let index = 0
      for (const member of current) stack.push({ value: member, parent: visit, step: `.values()[${index++}]` })
    }
    if (Object.getOwnPropertySymbols(current).some(symbol => Object.prototype.propertyIsEnumerable.call(current, symbol)))
      return { problem: `${pathOf(visit)} has a symbol-keyed property, which would be lost`, jsonExact: false }
    // Values by position, not by key: a keyed read per property is what made this walk slow.
    const isArray = Array.isArray(current)
    const keys = isArray ? undefined : Object.keys(current)
    const values = isArray ? current : Object.values(current)
    // Extra properties on arrays do not survive JSON (a hole reads as undefined, which the walk rejects).
    if (isArray && jsonExact && !hasOnlyIndexKeys(current)) jsonExact = false
    for (let index = 0; index < values.length; index++) {
      const child: unknown = values[index]
      const type = typeof child
      const shape = type === 'object' && child !== null ? recordShape(child as object) : NOT_A_RECORD
      if (shape === FLAT || (shape === NESTED && isPlainTree(child as object))) {
        // One hash operation per object: one met before (a shared reference) leaves the set's size as it was.
        let before = seen.size
        if (seen.add(child as object).size === before) jsonExact = false
        if (shape === NESTED) {
          for (const object of nestedObjects) {
            before = seen.size
            if (seen.add(object).size === before) jsonExact = false
          }
        }
      }
      else if ((type === 'object' && child !== null) || type === 'function' || type === 'symbol') stack.push({ value: child, parent: visit, key: keys ? keys[index] : index })
      else if (jsonExact && !isJsonExact(child)) jsonExact = false
    }
  }
  const shared = memory.length > 1 ? sharedMemory(memory) : undefined
  if (shared) return { problem: shared, jsonExact: false }
  return jsonExact && binary.length ? { jsonExact, binary } : { jsonExact }
}

/** Bytes a typed array, a DataView or an ArrayBuffer in the value holds. */
interface Memory { buffer: ArrayBufferLike, start: number, end: number, visit: Visit }

/**
 * Two parts of the value over the same bytes (`{ raw, header: raw.subarray(0, 16) }`): a write
 * through one shows in the other, and no stored copy keeps that (each part comes back with bytes
 * of its own). Parts of one buffer that do not overlap (Buffer's pool, slices side by side) are
 * independent already.
 */
function sharedMemory(memory: Memory[]): string | undefined {
  const sorted = memory.filter(part => part.end > part.start).sort((a, b) => a.start - b.start || b.end - a.end)
  const last = new Map<ArrayBufferLike, Memory>()
  for (const part of sorted) {
    const before = last.get(part.buffer)
    if (before && part.start < before.end) {
      return `${pathOf(part.visit)} shares its bytes with ${pathOf(before.visit)}, which no stored copy keeps (each comes back with bytes of its own): return one of them, or a copy (\`Uint8Array.from(…)\`)`
    }
    if (!before || part.end > before.end) last.set(part.buffer, part)
  }
  return undefined
}

// Below this length Object.keys is as cheap as the quicker way.
const LONG_ARRAY = 1000

/**
 * Whether an array has no enumerable property besides its indexes. Object.keys makes a string
 * per index (~200 ms for a million); util.inspect told to show no items lists only the other
 * keys, through Node's own native helper. Output other than the plain form takes the exact count.
 */
function hasOnlyIndexKeys(array: unknown[]): boolean {
  if (array.length >= LONG_ARRAY && inspect(array, ONLY_OTHER_KEYS) === `[ ... ${array.length} more items ]`) return true
  return Object.keys(array).length === array.length
}

const ONLY_OTHER_KEYS = { customInspect: false, maxArrayLength: 0, depth: 0, showHidden: false, breakLength: Infinity }

const FLAT = 1
const NESTED = 2
const NOT_A_RECORD = 0

/**
 * A plain object holding only JSON-exact primitives (FLAT: a record, the bulk of big values), one
 * with objects among them (NESTED: worth a look as a plain tree), or neither. Checked where it
 * sits, without a visit of its own.
 */
function recordShape(value: object): number {
  if (Object.getPrototypeOf(value) !== Object.prototype) return NOT_A_RECORD
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key]
    switch (typeof child) {
      case 'string':
      case 'boolean':
        continue
      case 'number':
        if (Number.isFinite(child) && !Object.is(child, -0)) continue
        return NOT_A_RECORD
      case 'object':
        if (child === null) continue
        return NESTED
      default:
        return NOT_A_RECORD
    }
  }
  return Object.getOwnPropertySymbols(value).length === 0 ? FLAT : NOT_A_RECORD
}

// A record with a few small arrays or objects inside is checked where it sits, as a whole: a
// visit per record and per nested array is what made a million records slow.
const PLAIN_TREE_DEPTH = 3
const PLAIN_TREE_OBJECTS = 32
const PLAIN_TREE_ARRAY = 64
// The objects inside the last tree isPlainTree accepted, its root aside (one array for the whole
// walk: no allocation per record, and a flat record adds nothing to it).
const nestedObjects: object[] = []

/**
 * A small tree of plain objects and arrays holding only JSON-exact primitives (a record, the
 * bulk of big values): true, with the objects inside it in `nestedObjects`. Anything else, or
 * anything bigger, takes the full walk, which names problems and follows shared references.
 */
function isPlainTree(value: object, depth = 0): boolean {
  if (depth === 0) nestedObjects.length = 0
  const prototype = Object.getPrototypeOf(value) as object | null
  if (prototype === Array.prototype) {
    const array = value as unknown[]
    // A hole or a property besides the indexes does not survive JSON.
    if (array.length > PLAIN_TREE_ARRAY || Object.keys(array).length !== array.length) return false
    for (let index = 0; index < array.length; index++) {
      const child = array[index]
      if (typeof child === 'object' && child !== null ? !isPlainNested(child, depth) : !isJsonExact(child)) return false
    }
    return true
  }
  if (prototype !== Object.prototype) return false
  for (const key in value) {
    const child = (value as Record<string, unknown>)[key]
    if (typeof child === 'object' && child !== null ? !isPlainNested(child, depth) : !isJsonExact(child)) return false
  }
  return Object.getOwnPropertySymbols(value).length === 0
}

function isPlainNested(child: object, depth: number): boolean {
  if (depth >= PLAIN_TREE_DEPTH || nestedObjects.length >= PLAIN_TREE_OBJECTS) return false
  nestedObjects.push(child)
  return isPlainTree(child, depth + 1)
}

function keyPath(visit: Visit): ValuePath {
  const path: ValuePath = []
  for (let at: Visit | undefined = visit; at?.parent; at = at.parent) path.push(at.key!)
  return path.reverse()
}

function isJsonExact(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0)
    case 'object': {
      if (value === null) return true
      const prototype = Object.getPrototypeOf(value) as object | null
      return prototype === Object.prototype || prototype === Array.prototype
    }
    default:
      return false
  }
}

function problemWith(value: unknown): string | undefined {
  if (typeof value === 'function') return 'is a function'
  if (typeof value === 'symbol') return 'is a symbol'
  if (typeof value !== 'object' || value === null) return undefined
  if (ArrayBuffer.isView(value)) return undefined
  const prototype = Object.getPrototypeOf(value) as object | null
  if (FAITHFUL_PROTOTYPES.has(prototype)) return undefined
  const className = (prototype as { constructor?: { name?: string } } | null)?.constructor?.name || 'an unnamed class'
  return `is an instance of ${className}, which would come back as a plain object`
}

function stepOf(visit: Visit): string {
  if (visit.step !== undefined) return visit.step
  const key = visit.key!
  if (typeof key === 'number') return `[${key}]`
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

function describeKey(key: unknown, index: number): string {
  if (typeof key === 'string') return JSON.stringify(key)
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') return String(key)
  return `<key #${index}>`
}

function pathOf(visit: Visit): string {
  const steps: string[] = []
  for (let at: Visit | undefined = visit; at; at = at.parent) steps.push(stepOf(at))
  return steps.reverse().join('')
}
