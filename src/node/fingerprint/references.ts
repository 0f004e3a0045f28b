import type { AnyNode } from 'acorn'
import { ancestor } from 'acorn-walk'

export interface References {
  /** Identifiers read by the code: candidates for module bindings, imports and globals. */
  names: Set<string>
  /** For names used only as `name.member`: the members read. A namespace import then narrows to them. */
  membersOnly: Map<string, Set<string>>
  /** `import('…')` with a literal specifier. */
  dynamicImports: string[]
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
  for (const node of nodes) {
    ancestor(node, {
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
  return { names, membersOnly: members, dynamicImports }
}
