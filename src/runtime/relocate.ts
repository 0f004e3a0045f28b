// Values that hold absolute paths under the workspace stay true when the project moves, as
// ccache's base_dir does: text values store such paths relative to a placeholder and get the
// current workspace back on every read; binary values cannot be rewritten, so their entry is
// keyed on the workspace folder instead.
import type { KeyInput } from '../shared/key.js'
import type { Encoded } from './codec.js'
import { randomBytes } from 'node:crypto'
import { pathToFileURL } from 'node:url'
import { projectFolderInput } from '../shared/recorded-check.js'
import { isText } from './codec.js'

export interface Relocation {
  encoded: Encoded
  /** The placeholder that stands for the workspace in the stored text. */
  placeholder?: string
  /** For binary values holding the path: an input that ties the entry to this folder. */
  pinned?: KeyInput
}

/** Prepares a freshly built value for storing. */
export function relocatable(encoded: Encoded, workspace: string): Relocation {
  const forms = [workspace, urlPath(workspace)]
  if (!isText(encoded)) return holdsPath([encoded.bytes], forms) ? { encoded, pinned: projectFolderInput(workspace) } : { encoded }
  // Typed arrays stored beside the text are bytes: a path in them pins the entry like a binary value.
  const pinned = encoded.binary && holdsPath(encoded.binary.map(part => part.bytes), forms) ? { pinned: projectFolderInput(workspace) } : {}
  const [path, url] = forms.map(jsonEscaped) as [string, string]
  if (!encoded.text.includes(path) && !encoded.text.includes(url)) return { encoded, ...pinned }
  let placeholder: string
  do placeholder = `<vitest-fixture-cache:workspace:${randomBytes(6).toString('hex')}>`
  while (encoded.text.includes(placeholder) || encoded.text.includes(urlPlaceholder(placeholder)))
  // In a file URL the path is percent-encoded (`/Jane%20Doe/app`), and must be again where it is restored.
  const text = encoded.text
    .replace(bounded(url, 'file://', /[/"\\?#]/), urlPlaceholder(placeholder))
    .replace(bounded(path, /[\s"'`=:,;([{<>|&]|\\[nrt]/, /[/"\\]/), placeholder)
  // Where the path runs on into other text (`cd /p && npm test`: `/p && npm test` may be a folder
  // of its own) or is the end of a longer path (`/mirror/p`), or is written some other way, it
  // cannot be told apart: the entry is tied to this folder instead.
  const unbounded = text.includes(path) || text.includes(url) ? { pinned: projectFolderInput(workspace) } : pinned
  return { encoded: { ...encoded, text, size: encoded.size - Buffer.byteLength(encoded.text) + Buffer.byteLength(text) }, placeholder, ...unbounded }
}

/** Whether text holds the workspace's path, as a path or in a file URL. */
export function holdsWorkspace(text: string, workspace: string): boolean {
  return text.includes(workspace) || text.includes(urlPath(workspace))
}

function holdsPath(parts: readonly Buffer[], forms: readonly string[]): boolean {
  return parts.some(bytes => forms.some(form => bytes.includes(form, 0, 'latin1') || bytes.includes(form, 0, 'utf16le') || bytes.includes(form, 0, 'utf8')))
}

/** A stored value with its paths back under the current workspace. */
export function relocated(encoded: Encoded, placeholder: string | undefined, workspace: string): Encoded {
  if (!placeholder || !isText(encoded)) return encoded
  return { ...encoded, text: encoded.text.replaceAll(placeholder, jsonEscaped(workspace)).replaceAll(urlPlaceholder(placeholder), jsonEscaped(urlPath(workspace))) }
}

/** The workspace as a file URL's path: `/home/Jane Doe/app` is `/home/Jane%20Doe/app` there. */
function urlPath(workspace: string): string {
  return pathToFileURL(workspace).href.slice('file://'.length)
}

function urlPlaceholder(placeholder: string): string {
  return placeholder.replace(':workspace:', ':workspace-url:')
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}

/**
 * The workspace path where it is a whole path or a path's start, and not the end of another:
 * `/p` in `"/p/x"` but not in `/p2` nor in `/mirror/p`. `before` is what must come just before it
 * (the start of the text counts), `after` what may follow it (the end of the text counts).
 */
function bounded(escaped: string, before: RegExp | string, after: RegExp): RegExp {
  const start = typeof before === 'string' ? regExpEscaped(before) : `^|${before.source}`
  return new RegExp(`(?<=${start})${regExpEscaped(escaped)}(?=${after.source}|$)`, 'g')
}

function regExpEscaped(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/**
 * A value that holds the path of a folder fixture it received (`cached(async ({ repo }) => ({ root:
 * repo }))`) holds a copy made for one use, gone after it: the stored text names the fixture
 * instead, and each use gets its own copy's path back. Bytes that hold it cannot be rewritten.
 */
export function withFolderPlaceholders(encoded: Encoded, folders: ReadonlyArray<[name: string, path: string]>): { encoded: Encoded, folders?: Record<string, string>, unstorable?: string } {
  const bytes = isText(encoded) ? encoded.binary?.map(part => part.bytes) ?? [] : [encoded.bytes]
  const inBytes = folders.filter(([, path]) => holdsPath(bytes, [path]))
  if (inBytes.length) {
    return { encoded, unstorable: `its value holds the path of the copy of ${inBytes.map(([name]) => `"${name}"`).join(', ')} it received, new for every use, in bytes that cannot be rewritten; return the path as text` }
  }
  const held = isText(encoded) ? folders.filter(([, path]) => encoded.text.includes(jsonEscaped(path))) : []
  if (!isText(encoded) || !held.length) return { encoded }
  let text = encoded.text
  const placeholders: Record<string, string> = {}
  for (const [name, path] of held) {
    let placeholder: string
    do placeholder = `<vitest-fixture-cache:folder:${randomBytes(6).toString('hex')}>`
    while (text.includes(placeholder))
    // Where it is not a whole name (`…-abc123x`, `/mirror/tmp/…`) it is some other path.
    text = text.replace(new RegExp(`(?<![\\w.-])${regExpEscaped(jsonEscaped(path))}(?![\\w.-])`, 'g'), placeholder)
    if (text.includes(jsonEscaped(path))) return { encoded, unstorable: `its value holds the path of the copy of "${name}" it received, new for every use, inside a longer name; return the path apart` }
    placeholders[placeholder] = name
  }
  return { encoded: { ...encoded, text, size: encoded.size - Buffer.byteLength(encoded.text) + Buffer.byteLength(text) }, folders: placeholders }
}

/** A stored value with the paths of this use's folder copies back in place. */
export function withFolders(encoded: Encoded, folders: Record<string, string> | undefined, context: Record<string, unknown>): Encoded {
  if (!folders || !isText(encoded)) return encoded
  let text = encoded.text
  for (const [placeholder, name] of Object.entries(folders)) text = text.replaceAll(placeholder, jsonEscaped(String(context[name])))
  return { ...encoded, text }
}
