import type { AnyNode, CallExpression, Identifier, Node, Program } from 'acorn'
import type { CallSite } from '../../shared/protocol.js'
import { ancestor, simple } from 'acorn-walk'
import { PACKAGE_NAME } from '../../shared/cache-dir.js'
import type { Closure } from './enclosing-scope.js'
import { closureOf, enclosingBindings, NO_CLOSURE } from './enclosing-scope.js'
import { isFunctionExpression, parseModule } from './module-facts.js'

export type StaticCallSite = Omit<CallSite, 'fingerprint'>

/** The package's functions that take a factory, and where the factory is among their arguments. */
const FACTORY_ARGUMENT = { cached: 0, cachedValue: 1, cachedDir: 0 } as const
export type CachedEntry = keyof typeof FACTORY_ARGUMENT
const isEntry = (name: string | undefined): name is CachedEntry => name !== undefined && Object.hasOwn(FACTORY_ARGUMENT, name)

/** `cachedDir('name', factory)` is the imperative twin of `cachedDir(factory)`: named by its first argument, like `cachedValue`. */
const isNamedByArgument = (entry: CachedEntry, call: CallExpression): boolean =>
  entry === 'cachedValue' || (entry === 'cachedDir' && call.arguments[0]?.type === 'Literal' && typeof call.arguments[0].value === 'string')

/** Where a call's factory is among its arguments. */
export function factoryArgument(entry: CachedEntry, call: CallExpression): number {
  return entry === 'cachedDir' && isNamedByArgument(entry, call) ? 1 : FACTORY_ARGUMENT[entry]
}

export interface FoundCallSite {
  site: StaticCallSite
  call: CallExpression
  /** `cached(factory, options?)` or `cachedValue(name, factory, options?)`. */
  entry: CachedEntry
  /** The factory's own code: inline, or a function declared in this module. */
  factory?: AnyNode
  /** What the factory uses from the functions and blocks around the call. */
  closure: Closure
}

export interface CallSiteAnalysis {
  sites: FoundCallSite[]
  /** The value expressions written for each fixture name in this module. */
  fixtureValues: Map<string, AnyNode[]>
}

/** Finds every `cached()` and `cachedValue()` call in a module's source (plain JavaScript, after TypeScript is stripped). */
export function findCallSites(code: string, file: string): FoundCallSite[] {
  return analyzeCallSites(parseModule(code), file).sites
}

/**
 * Reads what a module says about each `cached()` call in it: the fixture name, the factory,
 * the fixtures it destructures; and what each fixture name is defined as.
 */
export function analyzeCallSites(program: Program, file: string): CallSiteAnalysis {
  const fixtureValues = new Map<string, AnyNode[]>()
  // Fixture definitions are read in every module: a cached fixture may depend on a base defined elsewhere.
  const { functions, namespaces } = cachedBindings(program)

  const entryOf = (callee: AnyNode): CachedEntry | undefined => {
    if (callee.type === 'Identifier') return functions.get(callee.name)
    if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && namespaces.has(callee.object.name)
      && !callee.computed && callee.property.type === 'Identifier' && isEntry(callee.property.name))
      return callee.property.name
    return undefined
  }

  const calls: Array<{ call: CallExpression, ancestors: Node[], entry: CachedEntry }> = []
  const keysByVariable = new Map<string, Set<string>>()
  ancestor(program, {
    CallExpression(node, _state, ancestors) {
      const entry = entryOf(node.callee)
      if (entry) calls.push({ call: node, ancestors: [...ancestors], entry })
    },
    Identifier(node, _state, ancestors) {
      const key = fixtureKeyOf(ancestors)
      if (key === undefined) return
      const keys = keysByVariable.get(node.name) ?? new Set()
      keys.add(key)
      keysByVariable.set(node.name, keys)
    },
    Expression(node, _state, ancestors) {
      const key = fixtureKeyOf(ancestors)
      if (key !== undefined) fixtureValues.set(key, [...fixtureValues.get(key) ?? [], node])
    },
  })

  const holdingCachedValues = moduleBindingsOfCachedValues(program, entryOf)
  const occurrences = new Map<string | undefined, number>()
  const sites = calls.map(({ call, ancestors, entry }) => {
    const factory = resolveFactory(program, call.arguments[factoryArgument(entry, call)] as AnyNode | undefined)
    const first = call.arguments[0]
    const named = isNamedByArgument(entry, call)
    const name = named
      ? (first?.type === 'Literal' && typeof first.value === 'string' ? first.value : undefined)
      : fixtureKeyOf(ancestors) ?? keyOfVariable(ancestors, keysByVariable)
    const occurrence = occurrences.get(name) ?? 0
    occurrences.set(name, occurrence + 1)
    // cachedDir() hands its factory `dir` (the folder to fill) beside the fixtures it receives.
    const deps = factory && !named ? destructuredNames(factory).filter(dep => entry !== 'cachedDir' || dep !== 'dir') : []
    const site: StaticCallSite = { name, file, occurrence, deps }
    const written = factory ?? call.arguments[factoryArgument(entry, call)] as AnyNode | undefined
    const bindings = enclosingBindings(ancestors)
    // A module's variable that holds a cached value is read like a variable around the call: by its value.
    for (const name of holdingCachedValues) if (!bindings.has(name)) bindings.set(name, null)
    const closure = written ? closureOf(written, bindings) : NO_CLOSURE
    return { site, call, factory, entry, closure }
  })
  return { sites, fixtureValues }
}

/**
 * The module's variables that hold what a `cachedValue()` (or a named `cachedDir()`) gave: set where
 * they are declared or assigned (`const corpus = await cachedValue(…)`, `rows = await loadRows()` in a
 * `beforeAll`, through the module's own helpers). Their code is the same whatever the value, so a
 * factory that reads one is keyed on the value, as it is on a variable around its call.
 */
function moduleBindingsOfCachedValues(program: Program, entryOf: (callee: AnyNode) => CachedEntry | undefined): Set<string> {
  const providers = new Set<string>()
  const gives = (node: AnyNode | null | undefined): boolean => {
    let found = false
    if (node) {
      simple(node, {
        CallExpression(call) {
          const entry = entryOf(call.callee)
          if ((entry && isNamedByArgument(entry, call)) || (call.callee.type === 'Identifier' && providers.has(call.callee.name))) found = true
        },
      })
    }
    return found
  }
  const topLevel = program.body.map(statement => (statement.type === 'ExportNamedDeclaration' && statement.declaration ? statement.declaration : statement))
  const declarators = topLevel.flatMap(statement => (statement.type === 'VariableDeclaration' ? statement.declarations : []))
    .flatMap(declarator => (declarator.id.type === 'Identifier' ? [{ name: declarator.id.name, init: declarator.init }] : []))
  // The module's functions that give cached values, and the functions that call those.
  const functions = new Map<string, AnyNode>()
  for (const statement of topLevel) if (statement.type === 'FunctionDeclaration' && statement.id) functions.set(statement.id.name, statement)
  for (const { name, init } of declarators) if (init && isFunctionExpression(init)) functions.set(name, init)
  for (let grew = true; grew;) {
    grew = false
    for (const [name, fn] of functions) {
      if (!providers.has(name) && gives(fn)) {
        providers.add(name)
        grew = true
      }
    }
  }
  const variables = new Set(declarators.filter(({ init }) => !isFunctionExpression(init) && gives(init)).map(({ name }) => name))
  const declared = new Set(declarators.map(({ name }) => name))
  simple(program, {
    AssignmentExpression(assignment) {
      if (assignment.left.type === 'Identifier' && declared.has(assignment.left.name) && gives(assignment.right)) variables.add(assignment.left.name)
    },
  })
  return variables
}

function cachedBindings(program: Program): { functions: Map<string, CachedEntry>, namespaces: Set<string> } {
  const functions = new Map<string, CachedEntry>()
  const namespaces = new Set<string>()
  for (const statement of program.body) {
    if (statement.type !== 'ImportDeclaration' || statement.source.value !== PACKAGE_NAME) continue
    for (const specifier of statement.specifiers) {
      if (specifier.type === 'ImportNamespaceSpecifier') namespaces.add(specifier.local.name)
      else if (specifier.type === 'ImportSpecifier') {
        const imported = importedName(specifier.imported)
        if (isEntry(imported)) functions.set(specifier.local.name, imported)
      }
    }
  }
  return { functions, namespaces }
}

function importedName(node: Node): string | undefined {
  if (node.type === 'Identifier') return (node as Identifier).name
  return 'value' in node && typeof node.value === 'string' ? node.value : undefined
}

/**
 * The fixture name an expression stands for, read from where it sits:
 * `{ corpus: X }`, `{ corpus: [X, options] }`, `.extend('corpus', X)`, `.extend('corpus', options, X)`.
 * `ancestors` ends with the expression itself.
 */
function fixtureKeyOf(ancestors: readonly Node[]): string | undefined {
  const node = ancestors.at(-1) as AnyNode | undefined
  let parent = ancestors.at(-2) as AnyNode | undefined
  const grandparent = ancestors.at(-3) as AnyNode | undefined
  if (!node || !parent) return undefined
  let value: AnyNode = node
  if (parent.type === 'ArrayExpression' && parent.elements[0] === node && grandparent) {
    value = parent
    parent = grandparent
  }
  if (parent.type === 'Property' && parent.value === value && !parent.computed)
    return importedName(parent.key)
  if (parent.type === 'CallExpression' && value === node) {
    const { callee, arguments: args } = parent
    const method = callee.type === 'MemberExpression' && !callee.computed && callee.property.type === 'Identifier'
      ? callee.property.name
      : undefined
    const first = args[0]
    if ((method === 'extend' || method === 'override') && args.length >= 2 && args.at(-1) === node
      && first?.type === 'Literal' && typeof first.value === 'string')
      return first.value
  }
  return undefined
}

/** `const corpus = cached(...)` used once as a fixture: take the key it is used under. */
function keyOfVariable(ancestors: readonly Node[], keysByVariable: Map<string, Set<string>>): string | undefined {
  const parent = ancestors.at(-2) as AnyNode | undefined
  if (parent?.type !== 'VariableDeclarator' || parent.id.type !== 'Identifier') return undefined
  const keys = keysByVariable.get(parent.id.name)
  return keys?.size === 1 ? [...keys][0] : undefined
}

/** The factory's own node: inline, or a function declared in the same module under that name. */
function resolveFactory(program: Program, argument: AnyNode | undefined): AnyNode | undefined {
  if (!argument) return undefined
  if (isFunctionExpression(argument)) return argument
  if (argument.type !== 'Identifier') return undefined
  const name = argument.name
  for (const statement of program.body) {
    const declaration = statement.type === 'ExportNamedDeclaration' && statement.declaration ? statement.declaration : statement
    if (declaration.type === 'FunctionDeclaration' && declaration.id?.name === name) return declaration
    if (declaration.type === 'VariableDeclaration') {
      for (const declarator of declaration.declarations) {
        if (declarator.id.type === 'Identifier' && declarator.id.name === name && isFunctionExpression(declarator.init))
          return declarator.init!
      }
    }
  }
  return undefined
}

/** Names destructured from the factory's first parameter: the fixtures it depends on. */
function destructuredNames(factory: Node): string[] {
  const node = factory as AnyNode
  const first = 'params' in node ? node.params[0] : undefined
  const pattern = first?.type === 'AssignmentPattern' ? first.left : first
  if (pattern?.type !== 'ObjectPattern') return []
  return pattern.properties.flatMap(property =>
    property.type === 'Property' && !property.computed ? [importedName(property.key)].filter(name => name !== undefined) : [])
}
