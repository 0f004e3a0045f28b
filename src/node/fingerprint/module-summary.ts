import type { AnyNode, Program } from 'acorn'
import type { ImportRef } from './module-facts.js'
import type { ImportGlob, References } from './references.js'
import { digest } from '../../shared/digest.js'
import { siteId } from '../../shared/protocol.js'
import { analyzeCallSites, factoryArgument } from './call-sites.js'
import { isFunctionExpression, moduleFacts } from './module-facts.js'
import { canonicalCode } from './normalize.js'
import { onlyWrittenConstants, referencesOf } from './references.js'

/** A piece of code: the digest of its normalized form, and what it refers to. */
export interface CodeSummary {
  digest: string
  names: string[]
  /** Names used only as `name.member`, with the members read. */
  membersOnly: Record<string, string[]>
  dynamicImports: string[]
  /** Files the code reads by a path relative to its module (`new URL('./x.sql', import.meta.url)`). */
  fileRefs: string[]
  /** Files the code reads by a path relative to the working directory (absent when none). */
  cwdFileRefs?: string[]
  /** Modules (or raw files) the code imports by pattern (absent when none). */
  globs?: ImportGlob[]
  /** Environment variables the code reads by name (absent when none). */
  env?: string[]
}

/**
 * A binding whose value may be changed at run time by code other than its declaration (`let`,
 * `var`, a `const` object or array literal: `loadSettings()` in a hook sets it from a file), and
 * the name another module reads it by. Its code alone does not say its value.
 */
export interface StateExport { exported: string }

/**
 * Everything the dependency analysis needs from one module, without its syntax tree:
 * small enough to keep on disk, so an unchanged module is never parsed again.
 */
export interface ModuleSummary {
  imports: Record<string, ImportRef>
  declarations: Record<string, { label: string, code: CodeSummary, state?: StateExport }>
  exports: Record<string, { local: string } | ImportRef>
  starExports: string[]
  sideEffects?: CodeSummary
  sideEffectImports: string[]
  /** `cached()` calls, by `name#occurrence`: the factory's code and the fixtures it destructures. */
  sites: Record<string, { factory: CodeSummary, deps: string[] }>
  /** The code written for each fixture name in this module. */
  fixtures: Record<string, CodeSummary>
}

export function summarizeModule(program: Program, file: string): ModuleSummary {
  const facts = moduleFacts(program)
  const declarations: ModuleSummary['declarations'] = {}
  const exportedAs = new Map<string, string>()
  for (const [name, target] of facts.exports) if ('local' in target && !exportedAs.has(target.local)) exportedAs.set(target.local, name)
  for (const [name, declaration] of facts.declarations) {
    const label = isFunction(declaration.node) ? `helper ${declaration.name}()` : `${declaration.kind} ${declaration.name}`
    const exported = exportedAs.get(name)
    declarations[name] = { label, code: summarizeCode([declaration.node]), ...exported !== undefined && holdsState(declaration) ? { state: { exported } } : {} }
  }
  // A constant path the module only writes to names no input (an exported one may be read elsewhere).
  const exported = new Set(exportedAs.keys())
  const holdingPaths = [...facts.declarations.values()].filter(({ name, kind }) => kind === 'const' && !exported.has(name)
    && (declarations[name]!.code.fileRefs.length || declarations[name]!.code.cwdFileRefs))
  for (const name of onlyWrittenConstants(program, new Set(holdingPaths.map(({ name }) => name)))) {
    const { cwdFileRefs: _, ...code } = declarations[name]!.code
    declarations[name]!.code = { ...code, fileRefs: [] }
  }
  const analysis = analyzeCallSites(program, file)
  const sites: ModuleSummary['sites'] = {}
  for (const { site, call, factory, entry, closure } of analysis.sites) {
    const written = factory ?? call.arguments[factoryArgument(entry, call)] ?? call
    // Helpers declared around the call (inside a describe) are the factory's code too.
    sites[siteId(site.name ?? '', site.occurrence)] = { factory: summarizeCode([written as AnyNode, ...closure.helpers]), deps: site.deps }
  }
  const fixtures: ModuleSummary['fixtures'] = {}
  for (const [name, values] of analysis.fixtureValues) fixtures[name] = summarizeCode(values)
  return {
    imports: Object.fromEntries(facts.imports),
    declarations,
    exports: Object.fromEntries(facts.exports),
    starExports: facts.starExports,
    sideEffects: facts.sideEffects.length ? summarizeCode(facts.sideEffects) : undefined,
    sideEffectImports: facts.sideEffectImports,
    sites,
    fixtures,
  }
}

function summarizeCode(nodes: AnyNode[]): CodeSummary {
  const references: References = referencesOf(nodes)
  return {
    digest: digest(...nodes.map(canonicalCode)),
    names: [...references.names],
    membersOnly: Object.fromEntries([...references.membersOnly].map(([name, members]) => [name, [...members]])),
    dynamicImports: references.dynamicImports,
    fileRefs: references.fileRefs,
    ...references.cwdFileRefs.length ? { cwdFileRefs: references.cwdFileRefs } : {},
    ...references.globs.length ? { globs: references.globs } : {},
    ...references.env.length ? { env: references.env } : {},
  }
}

/** `let settings`, `var n`, `const config = { … }` / `[…]`: a value other code may set or fill. */
function holdsState({ kind, node }: { kind: string, node: AnyNode }): boolean {
  if (kind === 'let' || kind === 'var') return !isFunction(node)
  return kind === 'const' && node.type === 'VariableDeclarator' && node.id.type === 'Identifier'
    && (node.init?.type === 'ObjectExpression' || node.init?.type === 'ArrayExpression')
}

function isFunction(node: AnyNode): boolean {
  return node.type === 'FunctionDeclaration' || (node.type === 'VariableDeclarator' && isFunctionExpression(node.init))
}
