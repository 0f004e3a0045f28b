import type { Node } from 'acorn'

// Positions, raw spellings ('a' vs "a", 1e3 vs 1000) and comments are layout, not behaviour.
// acorn already drops comments, parentheses, semicolons and trailing commas from the tree.
const LAYOUT_KEYS = new Set(['start', 'end', 'loc', 'range', 'raw'])

/**
 * A canonical text for a syntax tree: equal for two sources that differ only in
 * comments and formatting, different for any change of behaviour.
 */
export function canonicalCode(node: Node): string {
  return JSON.stringify(node, (key, value: unknown) => {
    if (LAYOUT_KEYS.has(key)) return undefined
    if (typeof value === 'bigint') return `${value}n`
    if (value instanceof RegExp) return value.toString()
    return value
  })
}
