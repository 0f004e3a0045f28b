// node:v8 carries these faithfully; an instance of any other class would come back as a plain object.
const FAITHFUL_PROTOTYPES = new Set<object | null>([
  null, Object.prototype, Array.prototype, Map.prototype, Set.prototype, Date.prototype, RegExp.prototype,
  ArrayBuffer.prototype, DataView.prototype, Buffer.prototype,
  Number.prototype, String.prototype, Boolean.prototype, BigInt.prototype,
  Error.prototype, EvalError.prototype, RangeError.prototype, ReferenceError.prototype,
  SyntaxError.prototype, TypeError.prototype, URIError.prototype,
])

interface Visit { value: unknown, parent?: Visit, step: string }

/**
 * Finds the first part of a value that `node:v8` would drop, reject or change, and says
 * where it is: `corpus.items[3].parse is a function`. Returns undefined when all is well.
 */
export function findUnfaithfulPart(value: unknown, rootName: string): string | undefined {
  const seen = new Set<object>()
  const stack: Visit[] = [{ value, step: rootName }]
  while (stack.length) {
    const visit = stack.pop()!
    const problem = problemWith(visit.value)
    if (problem) return `${pathOf(visit)} ${problem}`
    const current = visit.value
    if (typeof current !== 'object' || current === null || seen.has(current)) continue
    seen.add(current)
    if (ArrayBuffer.isView(current)) continue
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
      return `${pathOf(visit)} has a symbol-keyed property, which would be lost`
    for (const key of Object.keys(current)) {
      stack.push({ value: (current as Record<string, unknown>)[key], parent: visit, step: stepFor(current, key) })
    }
  }
  return undefined
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

function stepFor(container: object, key: string): string {
  if (Array.isArray(container) && /^\d+$/.test(key)) return `[${key}]`
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`
}

function describeKey(key: unknown, index: number): string {
  if (typeof key === 'string') return JSON.stringify(key)
  if (typeof key === 'number' || typeof key === 'boolean' || typeof key === 'bigint') return String(key)
  return `<key #${index}>`
}

function pathOf(visit: Visit): string {
  const steps: string[] = []
  for (let at: Visit | undefined = visit; at; at = at.parent) steps.push(at.step)
  return steps.reverse().join('')
}
