// What a factory was recorded reading, as named inputs with digests of their contents: stored
// with the entry and re-checked before every reuse (Go re-checks mtimes; this hashes contents).
import type { KeyInput } from '../shared/key.js'
import type { ReadKind, Recording } from './read-recorder.js'
import { readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { resolve, sep } from 'node:path'
import { contentDigest, digest } from '../shared/digest.js'

/** Where recorded reads count: the workspace, less what belongs to packages and to the cache itself. */
export interface RecordScope {
  /** The git checkout or package-manager workspace that holds the Vitest root. */
  workspace: string
  /** Folders whose reads are never inputs (the cache dir, the run's journal). */
  ignored: string[]
}

const NAMES: Record<ReadKind, (path: string) => string> = {
  content: path => `file ${path} read by the factory`,
  listing: path => `folder ${path}/ listed by the factory`,
  exists: path => `path ${path} checked by the factory`,
}
const RECORDED_FILE = /^(file|folder|path) (.+?)\/? (read|listed|checked) by the factory$/
const RECORDED_ENV = /^env (.+) read by the factory$/

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

/** The recorded inputs whose digest differs now: empty when the entry may be reused. */
export function changedRecordedInputs(recorded: readonly KeyInput[], scope: RecordScope): string[] {
  return recorded.filter(input => currentDigest(input.name, scope) !== input.digest).map(input => input.name)
}

/** The digest a recorded input has now (its name says what it is). */
function currentDigest(name: string, scope: RecordScope): string | undefined {
  const env = RECORDED_ENV.exec(name)
  if (env) return envDigest(env[1]!)
  const file = RECORDED_FILE.exec(name)
  if (!file) return undefined
  const use: ReadKind = file[1] === 'file' ? 'content' : file[1] === 'folder' ? 'listing' : 'exists'
  return digestOf(use, resolve(scope.workspace, file[2]!))
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

function digestOf(use: ReadKind, path: string): string {
  try {
    // Content first without a stat: a hit checks every recorded file, and most are files.
    if (use === 'content') return contentDigest(readFileSync(path))
    if (use === 'listing') return listingDigest(path)
    const stats = statSync(path, { throwIfNoEntry: false })
    return !stats ? 'missing' : stats.isDirectory() ? 'directory' : stats.isFile() ? 'file' : 'other'
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'missing'
    if (code === 'EISDIR') return listingDigest(path)
    return `unreadable ${code}`
  }
}

function listingDigest(path: string): string {
  const listing = readdirSync(path, { withFileTypes: true }).map(entry => `${entry.name}${entry.isDirectory() ? '/' : ''}`).sort()
  return digest(...listing)
}

function envDigest(name: string): string {
  const value = process.env[name]
  return value === undefined ? 'unset' : digest(value)
}
