// Values that hold absolute paths under the workspace stay true when the project moves, as
// ccache's base_dir does: text values store such paths relative to a placeholder and get the
// current workspace back on every read; binary values cannot be rewritten, so their entry is
// keyed on the workspace folder instead.
import type { KeyInput } from '../shared/key.js'
import type { Encoded } from './codec.js'
import { randomBytes } from 'node:crypto'
import { digest } from '../shared/digest.js'
import { isText } from './codec.js'

export const PROJECT_FOLDER_INPUT = 'project folder (the value holds absolute paths)'

export interface Relocation {
  encoded: Encoded
  /** The placeholder that stands for the workspace in the stored text. */
  placeholder?: string
  /** For binary values holding the path: an input that ties the entry to this folder. */
  pinned?: KeyInput
}

/** Prepares a freshly built value for storing. */
export function relocatable(encoded: Encoded, workspace: string): Relocation {
  if (!isText(encoded)) return holdsPath([encoded.bytes], workspace) ? { encoded, pinned: projectFolderInput(workspace) } : { encoded }
  // Typed arrays stored beside the text are bytes: a path in them pins the entry like a binary value.
  const pinned = encoded.binary && holdsPath(encoded.binary.map(part => part.bytes), workspace) ? { pinned: projectFolderInput(workspace) } : {}
  const escaped = jsonEscaped(workspace)
  if (!encoded.text.includes(escaped)) return { encoded, ...pinned }
  let placeholder: string
  do placeholder = `<vitest-fixture-cache:workspace:${randomBytes(6).toString('hex')}>`
  while (encoded.text.includes(placeholder))
  const text = encoded.text.replace(boundedPath(escaped), placeholder)
  // Where the path runs on into other text (`cd /p && npm test`), it cannot be told from a sibling
  // folder's name (`/p && npm test` may be one): the entry is tied to this folder instead.
  const unbounded = text.includes(escaped) ? { pinned: projectFolderInput(workspace) } : pinned
  return { encoded: { ...encoded, text, size: encoded.size - Buffer.byteLength(encoded.text) + Buffer.byteLength(text) }, placeholder, ...unbounded }
}

function holdsPath(parts: readonly Buffer[], workspace: string): boolean {
  return parts.some(bytes => bytes.includes(workspace, 0, 'latin1') || bytes.includes(workspace, 0, 'utf16le') || bytes.includes(workspace, 0, 'utf8'))
}

/** A stored value with its paths back under the current workspace. */
export function relocated(encoded: Encoded, placeholder: string | undefined, workspace: string): Encoded {
  if (!placeholder || !isText(encoded)) return encoded
  return { ...encoded, text: encoded.text.replaceAll(placeholder, jsonEscaped(workspace)) }
}

export function projectFolderInput(workspace: string): KeyInput {
  return { name: PROJECT_FOLDER_INPUT, digest: digest(workspace) }
}

function jsonEscaped(text: string): string {
  return JSON.stringify(text).slice(1, -1)
}

/** The workspace path where it is a whole path or a path's start: `/p` in `/p/x` but not in `/p2`. */
function boundedPath(escaped: string): RegExp {
  return new RegExp(`${escaped.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[/"\\\\]|$)`, 'g')
}
