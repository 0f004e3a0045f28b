import type { AnyNode, ModuleDeclaration, Program, Statement } from 'acorn'
import { parse } from 'acorn'

/** Where an imported binding comes from. `imported` is a name, `default`, `*` (everything) or `''` (side effects only). */
export interface ImportRef {
  specifier: string
  imported: string
}

/** A top-level binding and the node whose code defines it. */
export interface Declaration {
  name: string
  kind: 'function' | 'class' | 'const' | 'let' | 'var' | 'export default'
  node: AnyNode
}

/** What the dependency analysis needs to know about one module. */
export interface ModuleFacts {
  program: Program
  imports: Map<string, ImportRef>
  declarations: Map<string, Declaration>
  /** Exported name → a local binding, or a re-export from another module. */
  exports: Map<string, { local: string } | ImportRef>
  /** `export * from '…'` specifiers. */
  starExports: string[]
  /** Top-level statements that run on import but declare nothing, and bare `import '…'`s. */
  sideEffects: AnyNode[]
  sideEffectImports: string[]
}

const DEFAULT_EXPORT = '*default*'

// The last few modules parsed, by their text. A module with cached() calls is parsed by the
// transform and, moments later, by the fingerprint: after TypeScript is stripped the two texts
// are the same, and a parse is a pure function of its text (nothing here changes a tree). For
// 300 fixtures in one module that is ~50 ms of a cold run's main process, before any worker starts.
const recentParses = new Map<string, Program>()
const RECENT_PARSES = 8
const MAX_KEPT_TEXT = 256 << 10

export function parseModule(code: string): Program {
  let program = recentParses.get(code)
  if (program) return program
  program = parse(code, { ecmaVersion: 'latest', sourceType: 'module' })
  // A bounded few: a tree takes some hundred times its text's size.
  if (code.length > MAX_KEPT_TEXT) return program
  if (recentParses.size >= RECENT_PARSES) recentParses.delete(recentParses.keys().next().value!)
  recentParses.set(code, program)
  return program
}

export function moduleFacts(program: Program): ModuleFacts {
  const facts: ModuleFacts = {
    program,
    imports: new Map(),
    declarations: new Map(),
    exports: new Map(),
    starExports: [],
    sideEffects: [],
    sideEffectImports: [],
  }
  for (const statement of program.body) readStatement(facts, statement)
  return facts
}

function readStatement(facts: ModuleFacts, statement: Statement | ModuleDeclaration): void {
  switch (statement.type) {
    case 'ImportDeclaration': {
      const specifier = String(statement.source.value)
      if (!statement.specifiers.length) facts.sideEffectImports.push(specifier)
      for (const item of statement.specifiers) {
        const imported = item.type === 'ImportDefaultSpecifier'
          ? 'default'
          : item.type === 'ImportNamespaceSpecifier' ? '*' : nameOf(item.imported)
        facts.imports.set(item.local.name, { specifier, imported })
      }
      return
    }
    case 'ExportNamedDeclaration': {
      if (statement.declaration) {
        for (const name of declare(facts, statement.declaration)) facts.exports.set(name, { local: name })
        return
      }
      for (const item of statement.specifiers) {
        const local = nameOf(item.local)
        facts.exports.set(nameOf(item.exported), statement.source
          ? { specifier: String(statement.source.value), imported: local }
          : { local })
      }
      return
    }
    case 'ExportDefaultDeclaration': {
      const declaration = statement.declaration
      const named = (declaration.type === 'FunctionDeclaration' || declaration.type === 'ClassDeclaration') && declaration.id
      if (named) {
        declare(facts, declaration)
        facts.exports.set('default', { local: declaration.id!.name })
      }
      else {
        facts.declarations.set(DEFAULT_EXPORT, { name: 'default', kind: 'export default', node: declaration })
        facts.exports.set('default', { local: DEFAULT_EXPORT })
      }
      return
    }
    case 'ExportAllDeclaration':
      if (statement.exported) facts.exports.set(nameOf(statement.exported), { specifier: String(statement.source.value), imported: '*' })
      else facts.starExports.push(String(statement.source.value))
      return
    case 'FunctionDeclaration':
    case 'ClassDeclaration':
    case 'VariableDeclaration':
      declare(facts, statement)
      return
    default:
      facts.sideEffects.push(statement)
  }
}

/** Records the bindings a declaration introduces and returns their names. */
function declare(facts: ModuleFacts, node: AnyNode): string[] {
  if (node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') {
    if (!node.id) return []
    const kind = node.type === 'FunctionDeclaration' ? 'function' : 'class'
    facts.declarations.set(node.id.name, { name: node.id.name, kind, node })
    return [node.id.name]
  }
  if (node.type !== 'VariableDeclaration') return []
  const names: string[] = []
  for (const declarator of node.declarations) {
    // `const { a, b } = load()` binds both names to the same code.
    for (const name of boundNames(declarator.id)) {
      facts.declarations.set(name, { name, kind: node.kind === 'using' || node.kind === 'await using' ? 'const' : node.kind, node: declarator })
      names.push(name)
    }
  }
  return names
}

export function boundNames(pattern: AnyNode): string[] {
  switch (pattern.type) {
    case 'Identifier': return [pattern.name]
    case 'ObjectPattern': return pattern.properties.flatMap(property => boundNames(property.type === 'RestElement' ? property.argument : property.value))
    case 'ArrayPattern': return pattern.elements.flatMap(element => (element ? boundNames(element) : []))
    case 'RestElement': return boundNames(pattern.argument)
    case 'AssignmentPattern': return boundNames(pattern.left)
    default: return []
  }
}

/** An inline function: what a factory or a helper written as `const f = () => …` is. */
export function isFunctionExpression(node: AnyNode | null | undefined): boolean {
  return node?.type === 'ArrowFunctionExpression' || node?.type === 'FunctionExpression'
}

export function nameOf(node: AnyNode): string {
  if (node.type === 'Identifier') return node.name
  return node.type === 'Literal' ? String(node.value) : ''
}
