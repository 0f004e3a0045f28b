// The context a factory runs in, as key inputs: the values of the fixtures it receives, the test
// environment, and the mocks in force on modules it reaches. The same code builds a different
// value in a different context; each of these once served the first context's value to all.
import type { KeyInput } from '../shared/key.js'
import type { CodeInputs } from '../shared/protocol.js'
import { readFileSync } from 'node:fs'
import { serialize } from 'node:v8'
import { expect } from 'vitest'
import { digest } from '../shared/digest.js'
import { CONTEXT_BUILTINS } from '../shared/protocol.js'
import { workerState } from '../shared/recorded-check.js'
import { exportsByLabel, moduleLabel } from './module-exports.js'
import { checkValue } from './value-check.js'


// The digest of the stored bytes behind each copy a cached fixture handed out.
const digestsOfCopies = new WeakMap<object, string>()

export function rememberValueDigest(value: unknown, valueDigest: string): void {
  if (typeof value === 'object' && value !== null) digestsOfCopies.set(value, valueDigest)
}

// A cachedDir() use is a path to a fresh copy: a new string each time, digested by what it holds.
const digestsOfFolders = new Map<string, string>()

export function rememberFolderDigest(path: string, valueDigest: string): void {
  digestsOfFolders.set(path, valueDigest)
}

export function forgetFolder(path: string): void {
  digestsOfFolders.delete(path)
}

/** The received fixtures that are folder copies (`cachedDir()`), with this use's path of each. */
export function folderCopiesIn(context: Record<string, unknown>, deps: readonly string[]): Array<[name: string, path: string]> {
  return deps.flatMap((name) => {
    const value = context[name]
    return typeof value === 'string' && digestsOfFolders.has(value) ? [[name, value] as [string, string]] : []
  })
}

export interface ContextInputs {
  inputs: KeyInput[]
  /** Received fixtures whose value could not be digested: their code counts instead. */
  undigested: string[]
  /** What could not be keyed, for the report. */
  notes: string[]
  /** Why the value must stay out of the shared cache, when it must. */
  unstorable?: string
}

export function contextInputs(context: Record<string, unknown>, deps: readonly string[], reached: readonly string[], root: string): ContextInputs {
  const result: ContextInputs = { inputs: [], notes: [], undigested: [] }
  for (const dependency of deps) {
    if (CONTEXT_BUILTINS.has(dependency)) continue
    const valueDigest = dependency in context ? digestOfValue(context[dependency]) : undefined
    if (valueDigest) {
      result.inputs.push({ name: `fixture ${dependency} value`, digest: valueDigest })
      continue
    }
    result.undigested.push(dependency)
    if (dependency in context) result.notes.push(`fixture ${dependency} value is not data; its code counts`)
  }
  // A factory that receives `task` may make a value for its test alone (its name, its file, its id).
  const test = deps.includes('task') ? testIdentity(context.task) : undefined
  if (test) result.inputs.push({ name: 'test', digest: test })
  const environment = testEnvironment()
  if (environment) result.inputs.push({ name: 'environment', digest: environment })
  const options = environmentOptions()
  if (options) result.inputs.push({ name: 'environment options', digest: digest(options) })
  for (const mock of mocksInForce()) {
    const module = reachedModule(mock.id, reached, root)
    if (!module) continue
    if (mock.type === 'manual') {
      // A mock factory may close over the test file's variables: its code alone cannot key it.
      result.unstorable ??= `${module} is mocked by a factory in this test file`
      result.inputs.push({ name: `mock ${module}`, digest: digest('manual', String(mock.factory)) })
    }
    else {
      result.inputs.push({ name: `mock ${module}`, digest: digest(mock.type, mock.redirect ? contentOf(mock.redirect) : '') })
    }
  }
  return result
}

/**
 * The variables around a call that its factory reads (`closure` returns them by name), each as an
 * input by its value. One that is not data cannot be keyed: the value then stays out of the cache.
 */
export function closureInputs(closure: (() => Record<string, unknown>) | undefined): Pick<ContextInputs, 'inputs' | 'unstorable'> {
  if (!closure) return { inputs: [] }
  let variables: Record<string, unknown>
  try {
    variables = closure()
  }
  catch (error) {
    return { inputs: [], unstorable: `the variables around the call cannot be read yet (${(error as Error).message})` }
  }
  const inputs: KeyInput[] = []
  for (const [name, value] of Object.entries(variables)) {
    const valueDigest = digestOfValue(value)
    if (valueDigest === undefined) return { inputs, unstorable: `the factory reads ${name}, a variable around the call that is not data` }
    inputs.push({ name: `variable ${name}`, digest: valueDigest })
  }
  return { inputs }
}

/**
 * The bindings other modules export that the factory reaches and code elsewhere may set
 * (`export let settings`, set by `loadSettings()` in a hook from a file), each by its value now.
 * One that is not data (a client) counts by its code, as before; one not run yet, by its code too.
 */
export function moduleStateInputs(state: CodeInputs['state'], root: string): KeyInput[] {
  const inputs: KeyInput[] = []
  for (const { input, module, name } of state ?? []) {
    for (const [, exports] of exportsByLabel([module], root)) {
      let value: unknown
      try {
        value = exports[name]
      }
      catch {
        continue // not initialized yet (a binding read before its module ran to it)
      }
      const valueDigest = digestOfValue(value)
      if (valueDigest !== undefined) inputs.push({ name: `value of ${input}`, digest: valueDigest })
    }
  }
  return inputs
}

/** A value's digest: the stored bytes of a cached fixture's copy, or the bytes of plain data; undefined for anything else. */
export function digestOfValue(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null) {
    const known = digestsOfCopies.get(value)
    if (known) return known
    if (checkValue(value, 'value').problem) return undefined
    try {
      return digest(serialize(value))
    }
    catch {
      return undefined
    }
  }
  if (typeof value === 'function' || typeof value === 'symbol') return undefined
  if (typeof value === 'string' && digestsOfFolders.has(value)) return digestsOfFolders.get(value)
  return digest(typeof value, String(value))
}

/** The digest of which test a context is for: its id and the names from its file down; undefined without one. */
function testIdentity(task: unknown): string | undefined {
  interface Task { id?: unknown, name?: unknown, suite?: Task, file?: Task }
  const names: string[] = []
  for (let at = task as Task | undefined; at && typeof at === 'object'; at = at.suite ?? (at.file === at ? undefined : at.file)) names.unshift(String(at.name))
  return names.length ? digest(String((task as Task).id), ...names) : undefined
}

/** The test file's environment; none in the main process (a globalSetup file). */
function testEnvironment(): string | undefined {
  try {
    return (expect.getState() as { environment?: string }).environment
  }
  catch {
    return undefined
  }
}

/**
 * The options the file's environment was set up with (`environmentOptions`, or a file's
 * `@vitest-environment-options`), as JSON; undefined when none. Read from Vitest's worker state
 * (not public API, read by shape).
 */
function environmentOptions(): string | undefined {
  const state = workerState()
  try {
    const options = state?.ctx?.environment?.options ?? state?.config?.environmentOptions
    const json = options && typeof options === 'object' && Object.keys(options).length ? JSON.stringify(options) : undefined
    return json === '{}' ? undefined : json
  }
  catch {
    return undefined
  }
}

interface MockedModule {
  type: string
  id: string
  factory?: unknown
  redirect?: string
}

/** Vitest's module mocks in force in this test file (its mocker registry; not public API, read by shape). */
function mocksInForce(): MockedModule[] {
  const mocker = (globalThis as { __vitest_mocker__?: { getMockerRegistry?: () => { registryById?: Map<string, MockedModule> } } }).__vitest_mocker__
  try {
    return [...mocker?.getMockerRegistry?.()?.registryById?.values() ?? []]
  }
  catch {
    return []
  }
}

/** The reached module a mocked id stands for, when the factory reaches it. */
function reachedModule(id: string, reached: readonly string[], root: string): string | undefined {
  const label = moduleLabel(id, root)
  return reached.includes(label) ? label : undefined
}

/** A `__mocks__` file's content, so editing it rebuilds. */
function contentOf(path: string): string {
  try {
    return digest(readFileSync(path))
  }
  catch {
    return 'unreadable'
  }
}
