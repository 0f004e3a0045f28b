import MagicString from 'magic-string'
import { findCallSites, PACKAGE_NAME } from './call-sites.js'

/**
 * Hands each `cached(factory, options?)` call what the source says about it, as a hidden
 * third argument. Returns undefined when the module has no call to rewrite.
 */
export function injectCallSites(code: string, file: string): { code: string, map: ReturnType<MagicString['generateMap']> } | undefined {
  if (!code.includes(PACKAGE_NAME)) return undefined
  const sites = findCallSites(code, file)
  if (!sites.length) return undefined
  const output = new MagicString(code)
  for (const { site, call } of sites) {
    const args = call.arguments
    const last = args.at(-1)
    // A call with no factory or already three arguments is left for cached() to report.
    if (!last || args.length > 2) continue
    const padding = args.length === 1 ? ', undefined' : ''
    output.appendLeft(last.end, `${padding}, ${JSON.stringify(site)}`)
  }
  return { code: output.toString(), map: output.generateMap({ hires: true, source: file }) }
}
