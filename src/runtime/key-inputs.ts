// What a fixture's key is made of: its code (asked of the main process once per module and run),
// the context it runs in, and what its options declare.
import type { KeyInput } from '../shared/key.js'
import type { CallSite, ModuleCodeInputs, WorkerConfig } from '../shared/protocol.js'
import type { FixtureDefinition } from './definition.js'
import { FORMAT_VERSION } from '../shared/key.js'
import { fingerprintQuery, siteId } from '../shared/protocol.js'
import { readByNameInputs } from '../shared/recorded-check.js'
import { closureInputs, contextInputs, moduleStateInputs } from './context-inputs.js'
import { declaredInputs } from './declared-inputs.js'
import { CachedFixtureError } from './errors.js'
import { globalInputs } from './global-inputs.js'
import { spiesInForce } from './spies.js'

const codeInputsOf = new Map<string, Promise<ModuleCodeInputs>>()
const modulesAnswered = new Set<string>()
const moduleKey = (site: CallSite, config: WorkerConfig): string => `${config.runId}\0${site.file}`

/** Whether this module's code inputs are still to come from the main process. */
export function codeRequestPending(site: CallSite, config: WorkerConfig): boolean {
  return !modulesAnswered.has(moduleKey(site, config))
}

export async function keyInputs(definition: FixtureDefinition, site: CallSite, config: WorkerConfig, context: Record<string, unknown>): Promise<{ inputs: KeyInput[], notes: string[], unstorable?: string, reached: string[] }> {
  const asking = moduleKey(site, config)
  let moduleInputs = codeInputsOf.get(asking)
  if (!moduleInputs) {
    codeInputsOf.set(asking, moduleInputs = site.fingerprint(fingerprintQuery(config)).then(module => module.default))
    moduleInputs.then(() => modulesAnswered.add(asking), () => {})
  }
  const code = (await moduleInputs)[siteId(site.name ?? '', site.occurrence)]
  if (!code || 'error' in code) throw new CachedFixtureError(code?.error ?? `${definition.label}: the plugin found no cached() call here; was the file changed during the run?`)
  const around = contextInputs(context, site.deps, code.modules, config.root)
  const variables = closureInputs(site.closure)
  const globals = globalInputs(code.globals ?? [], code.setupGlobals)
  const spies = spiesInForce(code.globals ?? [], code.modules, config.root)
  const inputs: KeyInput[] = [
    { name: 'format', digest: String(FORMAT_VERSION) },
    { name: 'node', digest: process.version },
    ...code.inputs,
    ...readByNameInputs(code),
    ...around.undigested.flatMap(dependency => code.fixtures[dependency] ?? []),
    ...around.inputs,
    ...variables.inputs,
    ...moduleStateInputs(code.state, config.root),
    ...globals.inputs,
    ...await declaredInputs(definition.options, context, config.root, definition.label),
  ]
  const spied = spies.length ? `the test file spies on ${spies.join(', ')} (vi.spyOn), which the factory reaches` : undefined
  return { inputs, notes: around.notes, unstorable: around.unstorable ?? variables.unstorable ?? globals.unstorable ?? spied, reached: code.modules }
}
