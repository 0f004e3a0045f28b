import MagicString from 'magic-string'
import { fingerprintModuleId } from '../shared/protocol.js'
import { factoryArgument, findCallSites } from './fingerprint/call-sites.js'

// A name no module would declare itself.
const FINGERPRINT_FUNCTION = '__vitestFixtureCacheFingerprint'

/**
 * Hands each `cached(factory, options?)` and `cachedValue(name, factory, options?)` call what
 * the source says about it, as a hidden argument after the options. Returns undefined when the module has no call to rewrite.
 * What is written depends on this module's source alone, so a cached transform stays right.
 */
export function injectCallSites(code: string, file: string): { code: string, map: ReturnType<MagicString['generateMap']> | null } | undefined {
  let sites: ReturnType<typeof findCallSites>
  try {
    sites = findCallSites(code, file)
  }
  catch {
    // Not plain JavaScript at this stage (another plugin's syntax): leave it; a cached() call in it
    // then fails with a message that points at it.
    return undefined
  }
  if (!sites.length) return undefined
  const output = new MagicString(code)
  let injected = false
  let movesCode = false
  for (const { site, call, entry, closure } of sites) {
    const args = call.arguments
    const last = args.at(-1)
    // The site goes after the options: a call with no factory or with more arguments is left for cached() to report.
    const factoryIndex = factoryArgument(entry, call)
    const optionsIndex = factoryIndex + 1
    if (!last || args.length <= factoryIndex || args.length > optionsIndex + 1) continue
    const padding = args.length === optionsIndex ? ', undefined' : ''
    const fields = JSON.stringify(site).slice(0, -1)
    // Variables around the call the factory reads, read where the call can see them, when it is keyed.
    const variables = closure.variables.length ? `, "closure": () => ({ ${closure.variables.join(', ')} })` : ''
    output.appendLeft(last.end, `${padding}, ${fields}, "fingerprint": ${FINGERPRINT_FUNCTION}${variables}}`)
    injected = true
    movesCode ||= !ENDS_CONSTRUCTS_ONLY.test(restOfLine(code, last.end))
  }
  if (!injected) return undefined
  // One request function per module, declared at its end (hoisted, so calls above it can use it):
  // one dynamic import for Vite to rewrite, not one per call site.
  output.append(`\nfunction ${FINGERPRINT_FUNCTION}(run) { return import(/* @vite-ignore */ ${JSON.stringify(`${fingerprintModuleId(file)}&run=`)} + run) }\n`)
  // Text is only ever inserted, and no line is added above the end. When what follows each
  // insertion on its line only closes constructs (`)`, `}`, `,`: nothing a stack frame or a
  // breakpoint points at), no token that matters moves, and `null` tells Vite to keep the maps it
  // has: a 300-fixture module then skips ~45 ms of making and combining maps on every transform.
  if (!movesCode) return { code: output.toString(), map: null }
  // Otherwise a mapping per word, as Vite's own transforms make: every token an error can point
  // at maps exactly, with 40 % fewer segments for Vite to combine than a mapping per character.
  return { code: output.toString(), map: output.generateMap({ hires: 'boundary', source: file }) }
}

// Closing punctuation, then the line's end or a line comment.
const ENDS_CONSTRUCTS_ONLY = /^[\s)\]},;]*(?:\/\/.*)?$/

function restOfLine(code: string, from: number): string {
  const end = code.indexOf('\n', from)
  return code.slice(from, end === -1 ? code.length : end)
}
