import type { AnyNode } from 'acorn'
import { ancestor } from 'acorn-walk'

export interface References {
  /** Identifiers read by the code: candidates for module bindings, imports and globals. */
  names: Set<string>
  /** For names used only as `name.member`: the members read. A namespace import then narrows to them. */
  membersOnly: Map<string, Set<string>>
  /** `import('…')` with a literal specifier. */
  dynamicImports: string[]
  /**
   * Paths relative to the module, written as `new URL('./x.sql', import.meta.url)` or
   * `join(import.meta.dirname, 'x.sql')` (`resolve`, `__dirname` too): files the code reads.
   */
  fileRefs: string[]
  /** Environment variables the code reads by name: `process.env.SEED`, `process.env['SEED']`, `const { SEED } = process.env`, `import.meta.env.SEED`. */
  env: string[]
}

/**
 * What some code refers to. Local variables that shadow a module binding are counted as
 * references to it: at worst an extra rebuild, never a missed one.
 */
export function referencesOf(nodes: readonly AnyNode[]): References {
  const names = new Set<string>()
  const members = new Map<string, Set<string>>()
  const usedWhole = new Set<string>()
  const dynamicImports: string[] = []
  const fileRefs: string[] = []
  const env = new Set<string>()
  for (const node of nodes) {
    ancestor(node, {
      MemberExpression(member) {
        if (!isEnvObject(member.object)) return
        const name = member.computed ? literalString(member.property) : member.property.type === 'Identifier' ? member.property.name : undefined
        if (name !== undefined) env.add(name)
      },
      VariableDeclarator(declarator) {
        if (declarator.id.type !== 'ObjectPattern' || !declarator.init || !isEnvObject(declarator.init)) return
        for (const property of declarator.id.properties) {
          if (property.type === 'Property' && !property.computed && property.key.type === 'Identifier') env.add(property.key.name)
        }
      },
      NewExpression(expression) {
        const [path, base] = expression.arguments
        if (expression.callee.type === 'Identifier' && expression.callee.name === 'URL' && isModuleLocation(base, 'url')) {
          const literal = literalString(path)
          if (literal !== undefined) fileRefs.push(literal)
        }
      },
      CallExpression(call) {
        const callee = call.callee.type === 'MemberExpression' && !call.callee.computed ? call.callee.property : call.callee
        if (callee.type !== 'Identifier' || (callee.name !== 'join' && callee.name !== 'resolve')) return
        const [base, ...rest] = call.arguments
        const parts = rest.map(literalString)
        if (isModuleLocation(base, 'dirname') && parts.length && parts.every(part => part !== undefined)) fileRefs.push(parts.join('/'))
      },
      Identifier(identifier, _state, ancestors) {
        names.add(identifier.name)
        const parent = ancestors.at(-2)
        if (parent?.type === 'MemberExpression' && parent.object === identifier && !parent.computed && parent.property.type === 'Identifier') {
          members.set(identifier.name, (members.get(identifier.name) ?? new Set()).add(parent.property.name))
        }
        else {
          usedWhole.add(identifier.name)
        }
      },
      ImportExpression(expression) {
        if (expression.source.type === 'Literal' && typeof expression.source.value === 'string')
          dynamicImports.push(expression.source.value)
      },
    })
  }
  for (const name of usedWhole) members.delete(name)
  return { names, membersOnly: members, dynamicImports, fileRefs, env: [...env].sort() }
}

/** `process.env` or `import.meta.env`. */
function isEnvObject(node: AnyNode): boolean {
  if (node.type !== 'MemberExpression' || node.computed || node.property.type !== 'Identifier' || node.property.name !== 'env') return false
  return (node.object.type === 'Identifier' && node.object.name === 'process') || node.object.type === 'MetaProperty'
}

function literalString(node: AnyNode | undefined): string | undefined {
  if (node?.type === 'Literal' && typeof node.value === 'string') return node.value
  if (node?.type === 'TemplateLiteral' && !node.expressions.length) return node.quasis[0]?.value.cooked ?? undefined
  return undefined
}

/** `import.meta.url` (as `url`), or `import.meta.dirname` / `__dirname` (as `dirname`). */
function isModuleLocation(node: AnyNode | undefined, form: 'url' | 'dirname'): boolean {
  if (form === 'dirname' && node?.type === 'Identifier') return node.name === '__dirname'
  return node?.type === 'MemberExpression' && node.object.type === 'MetaProperty'
    && node.property.type === 'Identifier' && node.property.name === form
}
