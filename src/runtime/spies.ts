// Spies a test file set on what the factory reaches: `vi.spyOn(Math, 'random')` on a global it
// reads, `vi.spyOn(rng, 'next')` on an object a module it reaches exports. The value built under a
// spy is the spy's, whose implementation may close over the test file: like a value built under a
// mock factory, it is never stored.
import { exportsByLabel } from './module-exports.js'

// A spy on these changes what the factory prints, not what it returns.
const UNSEEN = new Set(['console'])

/** Whether a function is a mock (Vitest's own test), asked safely: a Proxy (`expect`'s chai) may throw on any property. */
function isSpy(fn: unknown): boolean {
  try {
    return typeof fn === 'function' && '_isMockFunction' in fn && (fn as { _isMockFunction?: unknown })._isMockFunction === true
  }
  catch {
    return false
  }
}

/** `Math.random`, `src/rng.ts rng.next`: the spies in force on the globals and modules (as labelled in `reached`) the factory reaches. */
export function spiesInForce(globals: readonly string[], reached: readonly string[], root: string): string[] {
  const found: string[] = []
  for (const name of globals) {
    if (UNSEEN.has(name) || !(name in globalThis)) continue
    try {
      spiedMembers((globalThis as Record<string, unknown>)[name], name, found)
    }
    catch {} // a getter that throws (a DOM's `localStorage` without an origin)
  }
  if (reached.length) {
    for (const [label, exports] of exportsByLabel(reached, root)) {
      for (const name of Object.keys(exports)) {
        let value: unknown
        try {
          value = exports[name]
        }
        catch {
          continue
        }
        if (isSpy(value)) found.push(`${label} ${name}`)
        else spiedMembers(value, `${label} ${name === 'default' ? '(default)' : name}`, found)
      }
    }
  }
  return found
}

/** The spied own methods and accessors of an object, or of a class and its prototype (`Date.now`, `Date.prototype.getTime`). */
function spiedMembers(target: unknown, path: string, found: string[]): void {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) return
  const holders: Array<[object, string]> = [[target, path]]
  const prototype = typeof target === 'function' ? (target as { prototype?: unknown }).prototype : undefined
  if (typeof prototype === 'object' && prototype !== null) holders.push([prototype, `${path}.prototype`])
  for (const [holder, at] of holders) {
    let names: string[]
    try {
      names = Object.getOwnPropertyNames(holder)
    }
    catch {
      continue
    }
    for (const name of names) {
      // Descriptors, not values: a getter is not run.
      const descriptor = Object.getOwnPropertyDescriptor(holder, name)
      if (descriptor && (isSpy(descriptor.value) || isSpy(descriptor.get) || isSpy(descriptor.set))) found.push(`${at}.${name}`)
    }
  }
}
