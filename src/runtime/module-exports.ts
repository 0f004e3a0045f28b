// The exports of the modules a worker has run, by the labels the main process gives reached
// modules (`src/rng.ts`, `package sql.js`): what a spy is looked for on, and where a module
// binding other code may set is read.
import type { EvaluatedModule } from '../shared/recorded-check.js'
import { relative, sep } from 'node:path'
import { builtinModuleLabel } from '../shared/protocol.js'
import { workerState } from '../shared/recorded-check.js'

// The packages whose exports are the test's tools, not what a value is made of.
const TOOLS = new Set(['package vitest', 'package vitest-fixture-cache'])

// The modules the worker has run, by label (a package's modules share one): worked out again only
// when modules were added, as a label is a path computation and a run may ask for hundreds of uses.
type RunModule = EvaluatedModule & { exports?: unknown }
let labelled: { size: number, byLabel: Map<string, RunModule[]> } | undefined

/** Each run module's exports under the labels asked for (a module run in two environments: twice). */
export function exportsByLabel(labels: readonly string[], root: string): Array<[string, Record<string, unknown>]> {
  const modules = workerState()?.evaluatedModules?.idToModuleMap as ReadonlyMap<string, RunModule> | undefined
  if (!modules) return []
  if (labelled?.size !== modules.size) {
    const byLabel = new Map<string, RunModule[]>()
    for (const [id, module] of modules) {
      const label = moduleLabel(id, root)
      byLabel.set(label, [...byLabel.get(label) ?? [], module])
    }
    labelled = { size: modules.size, byLabel }
  }
  const found: Array<[string, Record<string, unknown>]> = []
  for (const label of labels) {
    if (TOOLS.has(label)) continue
    // (Read now: a module listed before it ran has its exports since.)
    for (const { exports } of labelled.byLabel.get(label) ?? []) {
      if (typeof exports === 'object' && exports !== null) found.push([label, exports as Record<string, unknown>])
    }
  }
  return found
}

/** How a factory's reached modules name a module id: a local module by path, a package by name, a builtin as `node:fs`. */
export function moduleLabel(id: string, root: string): string {
  const builtin = builtinModuleLabel(id)
  if (builtin) return builtin
  const path = id.split('?')[0]!
  const packageName = /\/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path.split(sep).join('/'))?.[1] ?? (/^[\w@]/.test(path) ? path : undefined)
  return packageName ? `package ${packageName}` : relative(root, path).split(sep).join('/')
}
