import { deserialize, serialize } from 'node:v8'

/**
 * In Vitest's vm pools a test file runs in its own realm, but `node:v8` builds objects in
 * Node's main realm: a Map it returns is not a `Map` to the test (`instanceof` and `toEqual`
 * fail). True when that is the case here.
 */
export const v8BuildsForeignObjects = Object.getPrototypeOf(deserialize(serialize({}))) !== Object.prototype

/** Rebuilds a value from another realm with this realm's constructors, keeping shared references and cycles. */
export function adoptIntoThisRealm(value: unknown, adopted = new Map<object, unknown>()): unknown {
  if (typeof value !== 'object' || value === null) return value
  const known = adopted.get(value)
  if (known !== undefined) return known
  // Buffers are Node's own in every realm, as the test sees them; objects of this realm stay.
  if (Buffer.isBuffer(value) || isOfThisRealm(value)) return value
  const tag = Object.prototype.toString.call(value).slice(8, -1)
  let copy: unknown
  if (ArrayBuffer.isView(value)) {
    const Constructor = (globalThis as unknown as Record<string, new (source: unknown) => unknown>)[tag]
    copy = Constructor ? new Constructor(value) : value
  }
  else if (tag === 'Date') copy = new Date((value as Date).getTime())
  else if (tag === 'RegExp') copy = new RegExp((value as RegExp).source, (value as RegExp).flags)
  else if (tag === 'ArrayBuffer') copy = (value as ArrayBuffer).slice(0)
  else if (tag === 'Map') {
    const map = new Map()
    adopted.set(value, map)
    for (const [key, entry] of value as Map<unknown, unknown>) map.set(adoptIntoThisRealm(key, adopted), adoptIntoThisRealm(entry, adopted))
    return map
  }
  else if (tag === 'Set') {
    const set = new Set()
    adopted.set(value, set)
    for (const member of value as Set<unknown>) set.add(adoptIntoThisRealm(member, adopted))
    return set
  }
  else if (tag === 'Error') {
    const error = new Error((value as Error).message)
    adopted.set(value, error)
    Object.assign(error, { name: (value as Error).name, stack: (value as Error).stack })
    return error
  }
  else if (tag === 'Number' || tag === 'String' || tag === 'Boolean' || tag === 'BigInt') copy = Object((value as { valueOf: () => unknown }).valueOf())
  else {
    const target: Record<string, unknown> = Array.isArray(value) ? new Array(value.length) : Object.getPrototypeOf(value) === null ? Object.create(null) : {}
    adopted.set(value, target)
    for (const key of Object.keys(value)) target[key] = adoptIntoThisRealm((value as Record<string, unknown>)[key], adopted)
    return target
  }
  adopted.set(value, copy)
  return copy
}

function isOfThisRealm(value: object): boolean {
  return value instanceof Object
}
