// The globals a factory reads, as key inputs: a test file may set one (`globalThis.SCALE = 2`,
// `vi.stubGlobal('SCALE', 3)`) that another file sets otherwise, and the first file's value was
// then served to both. What was there before any test file ran (Node's globals, the test
// environment's, Vitest's, what setup files set: each keyed by what made it) counts only if a
// test file changed it since.
import type { KeyInput } from '../shared/key.js'
import { digest } from '../shared/digest.js'
import { digestOfValue } from './context-inputs.js'
import { WRAPPED } from './read-recorder.js'

// A global's identity: its value, or its getter (Node's lazy globals; a DOM environment's).
const identityOf = (descriptor: PropertyDescriptor | undefined): unknown => descriptor && ('value' in descriptor ? descriptor.value : descriptor.get)

// Taken when this module first runs in a realm: the test file's imports run before its body, so a
// test file that imports a cached() fixture has set nothing yet. Per realm, as each has its globals.
const BEFORE = Symbol.for('vitest-fixture-cache.globals-before-tests')
const realm = globalThis as { [BEFORE]?: Map<string, unknown> }
const before = realm[BEFORE] ??= new Map(Object.getOwnPropertyNames(globalThis).map(name => [name, identityOf(Object.getOwnPropertyDescriptor(globalThis, name))]))

/**
 * `names`: what the factory's code reads that no module declares (some are its own locals, and
 * cost nothing). Each global a test file set or changed counts by its value; an object that was
 * there before the test file ran by its class (a test environment made anew for each file of a
 * shared worker), and so does one `setByCode` names (the setup files': the package may have loaded
 * in one, before the next set it). Anything else that is not data (a stubbed `fetch`, a client) cannot be keyed: a
 * function may close over the test file. The value then stays out of the cache.
 */
export function globalInputs(names: readonly string[], setByCode: readonly string[] = []): { inputs: KeyInput[], unstorable?: string } {
  const inputs: KeyInput[] = []
  for (const name of names) {
    const descriptor = Object.getOwnPropertyDescriptor(globalThis, name)
    const identity = identityOf(descriptor)
    if (before.has(name) ? before.get(name) === identity : descriptor === undefined) continue
    // The recorder's own stand-in (`Date`, put in place at a realm's first build) is the realm's.
    if (typeof identity === 'function' && (identity as { [WRAPPED]?: true })[WRAPPED]) continue
    let value: unknown
    try {
      value = (globalThis as Record<string, unknown>)[name]
    }
    catch (error) {
      return { inputs, unstorable: `the factory reads the global ${name}, which cannot be read (${(error as Error).message})` }
    }
    const valueDigest = descriptor === undefined ? digest('deleted') : digestOfValue(value) ?? (before.has(name) || setByCode.includes(name) ? classOf(value) : undefined)
    if (valueDigest === undefined) return { inputs, unstorable: `the factory reads the global ${name}, set by the test file, and it is not data` }
    inputs.push({ name: `global ${name}`, digest: valueDigest })
  }
  return { inputs }
}

function classOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined
  return digest('object', String((value as { constructor?: { name?: unknown } }).constructor?.name))
}
