import type { KeyInput } from '../../shared/key.js'
import type { CodeInputs, ModuleCodeInputs } from '../../shared/protocol.js'
import type { ImportRef } from './module-facts.js'
import type { CodeSummary, ModuleSummary } from './module-summary.js'
import type { MachineFact } from '../../shared/recorded-check.js'
import type { ImportGlob } from './references.js'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { isBuiltin } from 'node:module'
import { dirname, extname, relative, resolve, sep } from 'node:path'
import { describeError } from '../../shared/describe-error.js'
import { digest } from '../../shared/digest.js'
import { builtinModuleLabel, CONTEXT_BUILTINS, siteId } from '../../shared/protocol.js'
import { isMachineFact, WORKER_ENV } from '../../shared/recorded-check.js'
import { forgetPatches, owningPackage } from './package-version.js'
import { toJavaScript } from './strip-types.js'

// How far the search for a fixture's definition goes through the local import graph.
const MAX_MODULES_SEARCHED = 200

/** Every specifier a module imports or re-exports from, builtins left out (packages are skipped once resolved). */
function localSpecifiers(summary: ModuleSummary): string[] {
  const specifiers = [
    ...Object.values(summary.imports).map(ref => ref.specifier),
    ...summary.starExports,
    ...summary.sideEffectImports,
    ...Object.values(summary.exports).flatMap(exported => ('specifier' in exported ? [exported.specifier] : [])),
  ]
  return [...new Set(specifiers)].filter(specifier => !isBuiltin(specifier))
}

/**
 * What some code reads of the machine by name: `process.platform`, `process.arch`, and what it
 * uses of `node:os` (`homedir()`, `os.EOL`, `import os from 'node:os'` then `os.hostname()`).
 */
function machineFactsOf(summary: ModuleSummary, code: CodeSummary): MachineFact[] {
  const facts: string[] = []
  if (!summary.imports.process && !summary.declarations.process) facts.push(...(code.membersOnly.process ?? []).map(member => `process.${member}`))
  for (const name of code.names) {
    const imported = summary.imports[name]
    if (!imported || builtinModuleLabel(imported.specifier) !== 'node:os') continue
    const members = imported.imported === '*' || imported.imported === 'default' ? code.membersOnly[name] ?? [] : [imported.imported]
    facts.push(...members.map(member => (member === 'EOL' ? 'os.EOL' : `os.${member}()`)))
  }
  return facts.filter(isMachineFact)
}

/** Resolves an import the way Vite would for the test environment (aliases included). */
export type Resolver = (specifier: string, importer: string) => Promise<string | null>

/** How the project that asks sees modules: its resolver and its `define` replacements. */
export interface ProjectView {
  resolver: Resolver
  define: Record<string, unknown>
  /** The project's setup files: they run before every test file and can change what a factory sees. */
  setupFiles?: readonly string[]
  /** Told of every file the fingerprint read (the plugin watches them, for watch mode). */
  onFile?: (file: string) => void
}

/** Summaries by content digest; kept across runs by the caller. */
export type SummaryCache = Map<string, ModuleSummary | null>

/** One fingerprint in progress: the inputs found so far and what was already visited. */
interface Walk extends ProjectView {
  inputs: Map<string, string>
  visited: Set<string>
  /** Local modules reached (labels) and packages (`package name`): a mock of one changes the value. */
  modules: Set<string>
  /** The code of each fixture the factory receives, walked apart from the factory's own. */
  fixtures: Map<string, Map<string, string>>
  /** Environment variables read by name in the code reached: input name → variable. */
  env: Map<string, string>
  /** What the code reached reads of the machine: input name → machine fact. */
  machine: Map<string, MachineFact>
  /** Globals the code reached reads: names it neither declares nor imports, and members of `globalThis`. */
  globals: Set<string>
  /** The module of the `cached()` call. */
  siteFile: string
  /** Module bindings reached that other code may set at run time, by input name. */
  state: Map<string, { module: string, name: string }>
}

// What code reaches globals through: `globalThis.SCALE`, `window.SCALE` (a DOM environment).
const GLOBAL_OBJECTS = ['globalThis', 'global', 'window', 'self']

const asInputs = (inputs: Map<string, string>): KeyInput[] => [...inputs].map(([name, value]) => ({ name, digest: value }))

/**
 * Follows a factory's code through its module and the local modules it imports, and names
 * every piece of code reached: `helper tokenize() in src/text.ts`, `package sql.js`, ...
 * Each module is summarized once per content; a null summary (not a script, or unparseable)
 * makes the whole file one input.
 */
export class Fingerprinter {
  /** True when a summary was computed since the last `takeChanged()`: worth saving. */
  private changed = false
  private used = new Set<string>()

  constructor(private root: string, private summaries: SummaryCache = new Map()) {}

  /** Summaries this process used, to be kept for the next run. */
  usedSummaries(): Array<[string, ModuleSummary | null]> {
    return [...this.used].map(contentDigest => [contentDigest, this.summaries.get(contentDigest) ?? null])
  }

  takeChanged(): boolean {
    const changed = this.changed
    this.changed = false
    return changed
  }

  /** What each `cached()` call of a module depends on, by `siteId`: one answer for all of them. */
  async inputsForModule(moduleFile: string, project: ProjectView): Promise<ModuleCodeInputs> {
    forgetPatches()
    const file = resolve(this.root, moduleFile)
    project.onFile?.(file)
    const { summary } = await this.summaryOf(file)
    const answer: ModuleCodeInputs = {}
    for (const [id, site] of Object.entries(summary?.sites ?? {})) {
      try {
        answer[id] = await this.inputsForSite(file, summary!, site, project)
      }
      catch (error) {
        // One call's trouble is that fixture's error, not every fixture's of the module.
        answer[id] = { error: describeError(error) }
      }
    }
    return answer
  }

  /** What one `cached()` call depends on. */
  async inputsFor(query: { file: string, name: string, occurrence: number }, project: ProjectView): Promise<CodeInputs> {
    forgetPatches()
    const file = resolve(this.root, query.file)
    project.onFile?.(file)
    const { summary } = await this.summaryOf(file)
    const site = summary?.sites[siteId(query.name, query.occurrence)]
    if (!summary || !site) {
      throw new Error(`[vitest-fixture-cache] cannot find cached() "${query.name}" in ${query.file}; was the file changed during the run?`)
    }
    return this.inputsForSite(file, summary, site, project)
  }

  private async inputsForSite(file: string, summary: ModuleSummary, site: ModuleSummary['sites'][string], project: ProjectView): Promise<CodeInputs> {
    const walk: Walk = { ...project, siteFile: file, inputs: new Map(), visited: new Set(), modules: new Set([this.label(file)]), fixtures: new Map(), env: new Map(), machine: new Map(), globals: new Set(), state: new Map() }
    walk.inputs.set('factory', site.factory.digest)
    // The factory's own env, file and machine reads happen while it builds, where they are recorded.
    await this.follow(walk, file, summary, { ...site.factory, env: [], cwdFileRefs: [] }, true)
    await this.addFixtureDefinitions(walk, file, summary, site.deps)
    // Setup files run first in every test file: what they set (globals, env, mocks) the factory may see.
    const setupGlobals = new Set<string>()
    // (The module state they reach counts where the factory reaches it too.)
    for (const setupFile of project.setupFiles ?? []) await this.addImport({ ...walk, globals: setupGlobals, state: new Map() }, this.root, { specifier: resolve(this.root, setupFile), imported: '' })
    const fixtures = Object.fromEntries([...walk.fixtures].map(([name, inputs]) => [name, asInputs(inputs)]))
    return { inputs: asInputs(walk.inputs), modules: [...walk.modules], fixtures, env: Object.fromEntries(walk.env), machine: Object.fromEntries(walk.machine), globals: [...walk.globals].sort(), setupGlobals: [...setupGlobals].sort(), ...walk.state.size ? { state: [...walk.state].map(([input, at]) => ({ input, ...at })) } : {} }
  }

  /** Walks a fixture definition's code on its own: its inputs are kept apart from the factory's. */
  private async addFixtureDefinition(walk: Walk, dependency: string, file: string, summary: ModuleSummary, fixture: CodeSummary): Promise<void> {
    const inputs = walk.fixtures.get(dependency) ?? new Map<string, string>()
    walk.fixtures.set(dependency, inputs)
    inputs.set(`fixture ${dependency} in ${this.label(file)}`, fixture.digest)
    await this.follow({ ...walk, inputs, visited: new Set(), env: new Map(), machine: new Map() }, file, summary, fixture)
  }

  /**
   * The fixtures a factory destructures, as written where they are defined: in its own module,
   * or else in the local modules it imports (a shared `test.extend` base), searched breadth first.
   * Every definition found under the name counts: an extra rebuild at worst, never a stale value.
   */
  private async addFixtureDefinitions(walk: Walk, file: string, summary: ModuleSummary, deps: readonly string[]): Promise<void> {
    let missing = deps.filter(dependency => !summary.fixtures[dependency] && !CONTEXT_BUILTINS.has(dependency))
    for (const dependency of deps) {
      const fixture = summary.fixtures[dependency]
      if (fixture) await this.addFixtureDefinition(walk, dependency, file, summary, fixture)
    }
    const queue: Array<{ file: string, summary: ModuleSummary }> = [{ file, summary }]
    const seen = new Set([file])
    while (missing.length && queue.length && seen.size <= MAX_MODULES_SEARCHED) {
      const module = queue.shift()!
      if (module.file !== file) {
        for (const dependency of missing) {
          const fixture = module.summary.fixtures[dependency]
          if (!fixture) continue
          walk.onFile?.(module.file)
          await this.addFixtureDefinition(walk, dependency, module.file, module.summary, fixture)
        }
        missing = missing.filter(dependency => !module.summary.fixtures[dependency])
      }
      for (const specifier of localSpecifiers(module.summary)) {
        const target = (await walk.resolver(specifier, module.file))?.split('?')[0]
        if (!target || seen.has(target) || target.startsWith('\0') || target.split(sep).includes('node_modules') || isBuiltin(target)) continue
        seen.add(target)
        const found = (await this.summaryOf(target)).summary
        if (found) queue.push({ file: target, summary: found })
      }
    }
  }

  /** Adds everything a piece of code refers to. */
  private async follow(walk: Walk, file: string, summary: ModuleSummary, code: CodeSummary, factoryItself = false): Promise<void> {
    for (const name of code.names) {
      const imported = summary.imports[name]
      const members = code.membersOnly[name]
      if (Object.hasOwn(summary.declarations, name)) await this.addDeclaration(walk, file, summary, name)
      else if (imported?.imported === '*' && members) {
        // `stats.mean(…)` on `import * as stats` reaches `mean`, not every export.
        for (const member of members) await this.addImport(walk, file, { specifier: imported.specifier, imported: member })
      }
      else if (imported) await this.addImport(walk, file, imported)
      else if (Object.hasOwn(walk.define, name)) walk.inputs.set(`define ${name}`, digest(JSON.stringify(walk.define[name])))
      else if (GLOBAL_OBJECTS.includes(name)) for (const member of members ?? []) walk.globals.add(member)
      else walk.globals.add(name)
    }
    for (const specifier of code.dynamicImports) await this.addImport(walk, file, { specifier, imported: '*' })
    for (const reference of code.fileRefs ?? []) this.addFileReference(walk, file, resolve(dirname(file), reference))
    // Where Vitest's workers run: the working directory of this process.
    for (const reference of code.cwdFileRefs ?? []) this.addFileReference(walk, file, resolve(reference))
    for (const glob of code.globs ?? []) await this.addGlob(walk, file, glob)
    for (const variable of code.env ?? []) {
      if (!WORKER_ENV.has(variable)) walk.env.set(`env ${variable} read by ${this.label(file)}`, variable)
    }
    if (!factoryItself) for (const fact of machineFactsOf(summary, code)) walk.machine.set(`${fact} read by ${this.label(file)}`, fact)
  }

  /** A file the code reads: its content (a folder: its listing) counts. */
  private addFileReference(walk: Walk, file: string, target: string): void {
    walk.onFile?.(target)
    let contentDigest = 'missing'
    try {
      contentDigest = statSync(target).isDirectory() ? digest(...readdirSync(target).sort()) : digest(readFileSync(target))
    }
    catch {}
    walk.inputs.set(`file ${this.label(target)} read by ${this.label(file)}`, contentDigest)
  }

  /**
   * Modules imported by pattern: every file it matches now counts, as a module (or, read raw, as
   * a file), so a file added, removed or changed changes the key. Patterns start at the module
   * (`./`, `../`) or the root (`/`), as Vite's do; an alias in a pattern is not followed.
   */
  private async addGlob(walk: Walk, file: string, glob: ImportGlob): Promise<void> {
    const local = glob.patterns.map(pattern => pattern.replace(/^(!?)\//, (_, negated: string) => `${negated}${relative(dirname(file), this.root) || '.'}/`))
    if (!local.every(pattern => /^!?\.{1,2}\//.test(pattern))) {
      walk.inputs.set(`import.meta.glob ${JSON.stringify(glob.patterns)} in ${this.label(file)}`, 'not followed')
      return
    }
    const { globSync } = await import('tinyglobby')
    const matches = globSync(local, { cwd: dirname(file), absolute: true, dot: true, onlyFiles: true }).sort()
    for (const match of matches) {
      if (glob.raw) this.addFileReference(walk, file, match)
      else await this.addImport(walk, file, { specifier: match, imported: '*' })
    }
  }

  private async addDeclaration(walk: Walk, file: string, summary: ModuleSummary, name: string): Promise<void> {
    const id = `${file}\0${name}`
    if (walk.visited.has(id)) return
    walk.visited.add(id)
    const declaration = summary.declarations[name]!
    const input = `${declaration.label} in ${this.label(file)}`
    walk.inputs.set(input, declaration.code.digest)
    // (The factory's own module's variables count by value already, as the call's closure.)
    if (declaration.state && file !== walk.siteFile) walk.state.set(input, { module: this.label(file), name: declaration.state.exported })
    await this.follow(walk, file, summary, declaration.code)
  }

  private async addImport(walk: Walk, importer: string, ref: ImportRef): Promise<void> {
    // A builtin's code is Node's (the node input), but a test file may mock it.
    const target = builtinModuleLabel(ref.specifier) ? ref.specifier : await walk.resolver(ref.specifier, importer)
    const builtin = target && builtinModuleLabel(target)
    if (builtin) {
      walk.modules.add(builtin)
      return
    }
    if (!target || target.startsWith('\0')) {
      walk.inputs.set(`import ${ref.specifier} in ${this.label(importer)}`, target ? 'virtual' : 'unresolved')
      return
    }
    const file = target.split('?')[0]!
    if (file.split(sep).includes('node_modules')) {
      const owner = owningPackage(file)
      if (owner) {
        walk.inputs.set(`package ${owner.name}`, owner.version)
        walk.modules.add(`package ${owner.name}`)
      }
      return
    }
    walk.onFile?.(file)
    walk.modules.add(this.label(file))
    const { summary, contentDigest } = await this.summaryOf(file)
    if (!summary) {
      walk.inputs.set(`module ${this.label(file)}`, contentDigest)
      return
    }
    await this.addSideEffects(walk, file, summary)
    if (ref.imported === '*') {
      for (const name of Object.keys(summary.exports)) await this.addExport(walk, file, summary, name)
      for (const specifier of summary.starExports) await this.addImport(walk, file, { specifier, imported: '*' })
    }
    else if (ref.imported) {
      await this.addExport(walk, file, summary, ref.imported)
    }
  }

  private async addExport(walk: Walk, file: string, summary: ModuleSummary, name: string): Promise<void> {
    const exported = summary.exports[name]
    if (!exported) {
      for (const specifier of summary.starExports) await this.addImport(walk, file, { specifier, imported: name })
      return
    }
    if ('specifier' in exported) return this.addImport(walk, file, exported)
    if (Object.hasOwn(summary.declarations, exported.local)) return this.addDeclaration(walk, file, summary, exported.local)
    const imported = summary.imports[exported.local]
    if (imported) return this.addImport(walk, file, imported)
  }

  /** Statements that run when the module is imported count for everything that imports it. */
  private async addSideEffects(walk: Walk, file: string, summary: ModuleSummary): Promise<void> {
    const id = `${file}\0*side effects*`
    if (walk.visited.has(id)) return
    walk.visited.add(id)
    if (summary.sideEffects) {
      walk.inputs.set(`top-level code in ${this.label(file)}`, summary.sideEffects.digest)
      await this.follow(walk, file, summary, summary.sideEffects)
    }
    for (const specifier of summary.sideEffectImports) await this.addImport(walk, file, { specifier, imported: '' })
  }

  private async summaryOf(file: string): Promise<{ summary: ModuleSummary | null, contentDigest: string }> {
    const source = readFileSync(file)
    // The extension decides how the file is read, so it is part of what the summary depends on.
    const contentDigest = digest(extname(file), source)
    this.used.add(contentDigest)
    if (this.summaries.has(contentDigest)) return { summary: this.summaries.get(contentDigest)!, contentDigest }
    let summary: ModuleSummary | null = null
    try {
      const code = await toJavaScript(source.toString('utf8'), file)
      // Loaded for the first module not summarized before: when every module is unchanged since
      // an earlier run, the parser is not loaded at all.
      const [{ parseModule }, { summarizeModule }] = await Promise.all([import('./module-facts.js'), import('./module-summary.js')])
      summary = code === null ? null : summarizeModule(parseModule(code), this.label(file))
    }
    catch {
      // Unparseable here: the whole file's content stands in for its parts.
    }
    this.summaries.set(contentDigest, summary)
    this.changed = true
    return { summary, contentDigest }
  }

  private label(file: string): string {
    return relative(this.root, file).split(sep).join('/')
  }
}
