import type { Insertions } from './apply-insertions.js'
import { fingerprintModuleId } from '../shared/protocol.js'
import { applyInsertions } from './apply-insertions.js'
import { factoryArgument, findCallSites } from './fingerprint/call-sites.js'

// A name no module would declare itself.
const FINGERPRINT_FUNCTION = '__vitestFixtureCacheFingerprint'

/** The module with its call sites injected (see `findInsertions`); undefined when it has none. */
export function injectCallSites(code: string, file: string): ReturnType<typeof applyInsertions> | undefined {
  const insertions = findInsertions(code, file)
  return insertions ? applyInsertions(code, file, insertions) : undefined
}

/**
 * What to insert so that each `cached(factory, options?)` and `cachedValue(name, factory, options?)`
 * call gets what the source says about it, as a hidden argument after the options; undefined when
 * the module has no call to rewrite. It depends on this module's source alone, so it can be kept
 * by the source's digest.
 */
export function findInsertions(code: string, file: string): Insertions | undefined {
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
  const at: Insertions['at'] = []
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
    at.push([last.end, `${padding}, ${fields}, "fingerprint": ${FINGERPRINT_FUNCTION}${variables}}`])
    movesCode ||= !ENDS_CONSTRUCTS_ONLY.test(restOfLine(code, last.end))
  }
  if (!at.length) return undefined
  // One request function per module, declared at its end (hoisted, so calls above it can use it):
  // one dynamic import for Vite to rewrite, not one per call site.
  const tail = `\nfunction ${FINGERPRINT_FUNCTION}(run) { return import(/* @vite-ignore */ ${JSON.stringify(`${fingerprintModuleId(file)}&run=`)} + run) }\n`
  return { at: at.sort((a, b) => a[0] - b[0]), tail, movesCode }
}

// Closing punctuation, then the line's end or a line comment.
const ENDS_CONSTRUCTS_ONLY = /^[\s)\]},;]*(?:\/\/.*)?$/

function restOfLine(code: string, from: number): string {
  const end = code.indexOf('\n', from)
  return code.slice(from, end === -1 ? code.length : end)
}
