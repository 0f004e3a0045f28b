// What a factory was recorded reading, as named inputs with digests of their contents: stored
// with the entry and re-checked before every reuse (Go re-checks mtimes; this hashes contents).
import type { KeyInput } from '../shared/key.js'
import type { ReadKind, RecordScope } from '../shared/recorded-check.js'
import type { Recording } from './read-recorder.js'
import { realpathSync } from 'node:fs'
import { sep } from 'node:path'
import { digestOf, envDigest } from '../shared/recorded-check.js'

const NAMES: Record<ReadKind, (path: string) => string> = {
  content: path => `file ${path} read by the factory`,
  listing: path => `folder ${path}/ listed by the factory`,
  exists: path => `path ${path} checked by the factory`,
}

/** The recording as inputs: contents digested now, env values hashed (never stored). */
export function recordedInputs(recording: Recording, scope: RecordScope): KeyInput[] {
  const inputs: KeyInput[] = []
  for (const [path, uses] of recording.files) {
    const label = labelInScope(throughPackageLinks(path), scope)
    if (label === undefined) continue
    for (const use of uses) {
      // Reading a file's content or listing a folder already says whether it exists.
      if (use === 'exists' && uses.size > 1) continue
      const known = use === 'content' ? recording.contentDigests.get(path) : undefined
      inputs.push({ name: NAMES[use](label), digest: known ?? digestOf(use, path) })
    }
  }
  for (const name of recording.env) inputs.push({ name: `env ${name} read by the factory`, digest: envDigest(name) })
  return inputs.sort((a, b) => (a.name < b.name ? -1 : 1))
}

/** The path relative to the workspace, with forward slashes; undefined when it does not count. */
function labelInScope(path: string, scope: RecordScope): string | undefined {
  const inside = (folder: string) => path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`)
  if (!inside(scope.workspace) || scope.ignored.some(folder => path === folder || inside(folder))) return undefined
  const label = path.slice(scope.workspace.length).replace(/^[\\/]+/, '').split(sep).join('/')
  if (!label || `/${label}/`.includes('/node_modules/')) return undefined
  return label
}

/**
 * A workspace package is linked into node_modules: a read through the link is a read of the
 * package's own files, which count. Other paths are taken as they are.
 */
function throughPackageLinks(path: string): string {
  if (!path.includes(`${sep}node_modules${sep}`)) return path
  try {
    return realpathSync(path)
  }
  catch {
    return path
  }
}

