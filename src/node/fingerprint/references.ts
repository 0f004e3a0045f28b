import type { AnyNode } from 'acorn'
import { simple } from 'acorn-walk'

export interface References {
  /** Identifiers read by the code: candidates for module bindings, imports and globals. */
  names: Set<string>
  /** `import('…')` with a literal specifier. */
  dynamicImports: string[]
}

/**
 * What some code refers to. Local variables that shadow a module binding are counted as
 * references to it: at worst an extra rebuild, never a missed one.
 */
export function referencesOf(nodes: readonly AnyNode[]): References {
  const references: References = { names: new Set(), dynamicImports: [] }
  for (const node of nodes) {
    simple(node, {
      Identifier(identifier) {
        references.names.add(identifier.name)
      },
      ImportExpression(expression) {
        if (expression.source.type === 'Literal' && typeof expression.source.value === 'string')
          references.dynamicImports.push(expression.source.value)
      },
    })
  }
  return references
}
