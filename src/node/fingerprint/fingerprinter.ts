import type { AnyNode } from 'acorn'
import type { KeyInput } from '../../shared/key.js'
import type { FingerprintQuery } from '../../shared/protocol.js'
import type { Declaration, ImportRef, ModuleFacts } from './module-facts.js'
import { readFileSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { relative, resolve, sep } from 'node:path'
import { digest } from '../../shared/digest.js'
import { analyzeCallSites } from './call-sites.js'
import { moduleFacts, parseModule } from './module-facts.js'
import { canonicalCode } from './normalize.js'
import { owningPackage } from './package-version.js'
import { referencesOf } from './references.js'
import { toJavaScript } from './strip-types.js'

/** Resolves an import the way Vite would for the test environment (aliases included). */
export type Resolver = (specifier: string, importer: string) => Promise<string | null>

interface ParsedModule {
  contentDigest: string
  /** Null when the file is not a script (JSON, an asset) or could not be parsed. */
  facts: ModuleFacts | null
}

/** One fingerprint in progress: the inputs found so far and what was already visited. */
interface Walk extends ProjectView {
  inputs: Map<string, string>
  visited: Set<string>
}

/** How the project that asks sees modules: its resolver and its `define` replacements. */
export interface ProjectView {
  resolver: Resolver
  define: Record<string, unknown>
}

/**
 * Follows a factory's code through its module and the local modules it imports, and names
 * every piece of code reached: `helper tokenize() in src/text.ts`, `package sql.js`, ...
 * Parsed modules are kept, keyed by content, so each file is parsed once per change.
 */
export class Fingerprinter {
  private modules = new Map<string, ParsedModule>()

  constructor(private root: string) {}

  async inputsFor(query: FingerprintQuery, project: ProjectView): Promise<KeyInput[]> {
    const file = resolve(this.root, query.file)
    const facts = (await this.parsed(file)).facts
    const analysis = facts && analyzeCallSites(facts.program, query.file)
    const found = analysis?.sites.find(({ site }) => (site.name ?? '') === query.name && site.occurrence === query.occurrence)
    if (!facts || !analysis || !found) {
      throw new Error(`[vitest-fixture-cache] cannot find cached() "${query.name}" in ${query.file}; was the file changed during the run?`)
    }
    const walk: Walk = { ...project, inputs: new Map(), visited: new Set() }
    if (found.factory) {
      walk.inputs.set('factory', digest(canonicalCode(found.factory)))
      await this.follow(walk, file, facts, [found.factory])
    }
    else {
      // The factory is an imported binding or an expression: follow the whole argument.
      const argument = found.call.arguments[0] as AnyNode
      walk.inputs.set('factory', digest(canonicalCode(argument)))
      await this.follow(walk, file, facts, [argument])
    }
    // Plain fixtures this factory destructures, when this module defines them.
    for (const dependency of found.site.deps) {
      const values = analysis.fixtureValues.get(dependency) ?? []
      if (!values.length) continue
      walk.inputs.set(`fixture ${dependency} in ${this.label(file)}`, digest(...values.map(canonicalCode)))
      await this.follow(walk, file, facts, values)
    }
    return [...walk.inputs].map(([name, value]) => ({ name, digest: value }))
  }

  /** Adds everything the given code refers to. */
  private async follow(walk: Walk, file: string, facts: ModuleFacts, nodes: readonly AnyNode[]): Promise<void> {
    const references = referencesOf(nodes)
    for (const name of references.names) {
      const declaration = facts.declarations.get(name)
      const imported = facts.imports.get(name)
      const members = references.membersOnly.get(name)
      if (declaration) await this.addDeclaration(walk, file, facts, declaration)
      else if (imported?.imported === '*' && members) {
        // `stats.mean(…)` on `import * as stats` reaches `mean`, not every export.
        for (const member of members) await this.addImport(walk, file, { specifier: imported.specifier, imported: member })
      }
      else if (imported) await this.addImport(walk, file, imported)
      else if (Object.hasOwn(walk.define, name)) walk.inputs.set(`define ${name}`, digest(JSON.stringify(walk.define[name])))
    }
    for (const specifier of references.dynamicImports) await this.addImport(walk, file, { specifier, imported: '*' })
  }

  private async addDeclaration(walk: Walk, file: string, facts: ModuleFacts, declaration: Declaration): Promise<void> {
    const id = `${file}\0${declaration.name}`
    if (walk.visited.has(id)) return
    walk.visited.add(id)
    const described = isFunction(declaration) ? `helper ${declaration.name}()` : `${declaration.kind} ${declaration.name}`
    walk.inputs.set(`${described} in ${this.label(file)}`, digest(canonicalCode(declaration.node)))
    await this.follow(walk, file, facts, [declaration.node])
  }

  private async addImport(walk: Walk, importer: string, ref: ImportRef): Promise<void> {
    if (isBuiltin(ref.specifier)) return
    const target = await walk.resolver(ref.specifier, importer)
    if (!target || target.startsWith('\0') || isBuiltin(target)) {
      walk.inputs.set(`import ${ref.specifier} in ${this.label(importer)}`, target ? 'virtual' : 'unresolved')
      return
    }
    const file = target.split('?')[0]!
    if (file.split(sep).includes('node_modules')) {
      const owner = owningPackage(file)
      if (owner) walk.inputs.set(`package ${owner.name}`, owner.version)
      return
    }
    const module = await this.parsed(file)
    if (!module.facts) {
      walk.inputs.set(`module ${this.label(file)}`, module.contentDigest)
      return
    }
    await this.addSideEffects(walk, file, module.facts)
    if (ref.imported === '*') {
      for (const name of module.facts.exports.keys()) await this.addExport(walk, file, module.facts, name)
      for (const specifier of module.facts.starExports) await this.addImport(walk, file, { specifier, imported: '*' })
    }
    else if (ref.imported) {
      await this.addExport(walk, file, module.facts, ref.imported)
    }
  }

  private async addExport(walk: Walk, file: string, facts: ModuleFacts, name: string): Promise<void> {
    const exported = facts.exports.get(name)
    if (!exported) {
      for (const specifier of facts.starExports) await this.addImport(walk, file, { specifier, imported: name })
      return
    }
    if ('specifier' in exported) return this.addImport(walk, file, exported)
    const declaration = facts.declarations.get(exported.local)
    if (declaration) return this.addDeclaration(walk, file, facts, declaration)
    const imported = facts.imports.get(exported.local)
    if (imported) return this.addImport(walk, file, imported)
  }

  /** Statements that run when the module is imported count for everything that imports it. */
  private async addSideEffects(walk: Walk, file: string, facts: ModuleFacts): Promise<void> {
    const id = `${file}\0*side effects*`
    if (walk.visited.has(id)) return
    walk.visited.add(id)
    if (facts.sideEffects.length) {
      walk.inputs.set(`top-level code in ${this.label(file)}`, digest(...facts.sideEffects.map(canonicalCode)))
      await this.follow(walk, file, facts, facts.sideEffects)
    }
    for (const specifier of facts.sideEffectImports) await this.addImport(walk, file, { specifier, imported: '' })
  }

  private async parsed(file: string): Promise<ParsedModule> {
    const source = readFileSync(file)
    const contentDigest = digest(source)
    const known = this.modules.get(file)
    if (known?.contentDigest === contentDigest) return known
    let facts: ModuleFacts | null = null
    try {
      const code = await toJavaScript(source.toString('utf8'), file)
      facts = code === null ? null : moduleFacts(parseModule(code))
    }
    catch {
      // Unparseable here: the whole file's content stands in for its parts.
    }
    const parsed = { contentDigest, facts }
    this.modules.set(file, parsed)
    return parsed
  }

  private label(file: string): string {
    return relative(this.root, file).split(sep).join('/')
  }
}

function isFunction(declaration: Declaration): boolean {
  const { node } = declaration
  if (node.type === 'FunctionDeclaration') return true
  return node.type === 'VariableDeclarator' && (node.init?.type === 'ArrowFunctionExpression' || node.init?.type === 'FunctionExpression')
}
