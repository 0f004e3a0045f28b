// What a factory uses from the functions and blocks around its call (a `describe.each` parameter,
// a `for…of` variable, a helper declared inside a `describe`): none of it is module code, so the
// module's summary cannot see it, and a key without it serves one iteration's value to all.
import type { AnyNode, Node } from 'acorn'
import { recursive } from 'acorn-walk'
import { boundNames, isFunctionExpression } from './module-facts.js'
import { referencesOf } from './references.js'

/** A name bound around a call: the function or class it is (its code counts), or null for any other value (read at run time). */
export type EnclosingBindings = Map<string, AnyNode | null>

export interface Closure {
  /** Functions and classes declared around the call that the factory reaches: their code is part of the factory's. */
  helpers: AnyNode[]
  /** Other variables around the call the factory reads: their values join the key at run time. */
  variables: string[]
}

export const NO_CLOSURE: Closure = { helpers: [], variables: [] }

/** The names bound by the scopes a node sits in, below the module's own (`ancestors` from the module down). */
export function enclosingBindings(ancestors: readonly Node[]): EnclosingBindings {
  const bindings: EnclosingBindings = new Map()
  for (const node of ancestors.slice(1, -1) as AnyNode[]) {
    switch (node.type) {
      case 'FunctionDeclaration':
      case 'FunctionExpression':
      case 'ArrowFunctionExpression':
        for (const param of node.params) for (const name of boundNames(param)) bindings.set(name, null)
        if (node.type === 'FunctionExpression' && node.id) bindings.set(node.id.name, node)
        if (node.body.type === 'BlockStatement') addFunctionScopedVars(node.body, bindings)
        break
      case 'BlockStatement':
      case 'StaticBlock':
        for (const statement of node.body) addDeclaration(statement, bindings)
        break
      case 'ForStatement':
        if (node.init?.type === 'VariableDeclaration') addDeclaration(node.init, bindings)
        break
      case 'ForInStatement':
      case 'ForOfStatement':
        if (node.left.type === 'VariableDeclaration') addDeclaration(node.left, bindings)
        break
      case 'CatchClause':
        if (node.param) for (const name of boundNames(node.param)) bindings.set(name, null)
        break
      case 'SwitchCase':
        for (const statement of node.consequent) addDeclaration(statement, bindings)
        break
    }
  }
  return bindings
}

/** What `factory` (and, transitively, the helpers around it that it calls) uses of `bindings`. */
export function closureOf(factory: AnyNode, bindings: EnclosingBindings): Closure {
  if (!bindings.size) return NO_CLOSURE
  const helpers: AnyNode[] = []
  const variables = new Set<string>()
  const queue = [factory]
  for (let node = queue.pop(); node; node = queue.pop()) {
    // A function's own parameters shadow what is around it (a fixture it destructures, most often).
    const fn = node.type === 'VariableDeclarator' ? node.init : node
    const own = new Set(fn && 'params' in fn ? fn.params.flatMap(param => boundNames(param)) : [])
    for (const name of referencesOf([node]).names) {
      if (own.has(name) || !bindings.has(name)) continue
      const declared = bindings.get(name)
      if (!declared) variables.add(name)
      else if (!helpers.includes(declared)) {
        helpers.push(declared)
        queue.push(declared)
      }
    }
  }
  return { helpers, variables: [...variables].sort() }
}

function addDeclaration(statement: AnyNode, bindings: EnclosingBindings): void {
  if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && statement.id) {
    bindings.set(statement.id.name, statement)
    return
  }
  if (statement.type !== 'VariableDeclaration') return
  for (const declarator of statement.declarations) {
    const names = boundNames(declarator.id)
    // `const load = () => …` is a helper; anything else is a value.
    const helper = statement.kind === 'const' && declarator.id.type === 'Identifier' && (isFunctionExpression(declarator.init) || declarator.init?.type === 'ClassExpression')
    for (const name of names) bindings.set(name, helper ? declarator : null)
  }
}

/** `var`s anywhere in a function's body (not in functions nested in it) belong to the function. */
function addFunctionScopedVars(body: AnyNode, bindings: EnclosingBindings): void {
  recursive(body, undefined, {
    Function() {},
    VariableDeclaration(node) {
      if (node.kind === 'var') for (const declarator of node.declarations) for (const name of boundNames(declarator.id)) bindings.set(name, null)
    },
  })
}
