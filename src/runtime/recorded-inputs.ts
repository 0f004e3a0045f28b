// What a factory was recorded reading, as named inputs with digests of their contents: stored
// with the entry and re-checked before every reuse (Go re-checks mtimes; this hashes contents).
import type { KeyInput } from '../shared/key.js'
import type { ReadKind, RecordScope } from '../shared/recorded-check.js'
import type { Recording } from './read-recorder.js'
import { realpathSync } from 'node:fs'
import { sep } from 'node:path'
import { digestOf, ENV_NAMES_INPUT, machineInputName, providedDigest, providedInputName, treeListings, WORKING_DIRECTORY_INPUT, workingDirectoryDigest } from '../shared/recorded-check.js'
import { filesImported, USES } from './read-recorder.js'

const NAMES: Record<ReadKind, (path: string) => string> = {
  content: path => `file ${path} read by the factory`,
  listing: path => `folder ${path}/ listed by the factory`,
  exists: path => `path ${path} checked by the factory`,
  stat: path => `path ${path} inspected by the factory`,
}

/**
 * The recording as inputs: contents digested now, env values hashed (never stored). `valueHolds`
 * says whether the stored value holds a text (a path the factory wrote to); `inKey` whether a
 * module's code is in the key already (the factory reaches it by name).
 */
export function recordedInputs(recording: Recording, scope: RecordScope, valueHolds: (text: string) => boolean = () => false, inKey: (file: string) => boolean = () => false): KeyInput[] {
  const labelOf = labelInScope(scope)
  // Files whose content was read, the thousands: sorted as the paths themselves (flat strings:
  // several times faster to compare than labels cut from them, or names made from them).
  const contents: string[] = []
  // Those read through a package link, by the path they lead to: the digest was taken under the other.
  const linked = new Map<string, string | undefined>()
  // The few others: `name\0digest`, sorted as plain strings (no comparator: NUL sorts first, so the order is the names').
  const lines: string[] = []
  for (const [read, uses] of recording.files) {
    const path = throughPackageLinks(read)
    const label = labelOf(path)
    if (label === undefined) continue
    if (uses & USES.content) {
      contents.push(path)
      if (path !== read) linked.set(path, recording.contentDigests.get(read))
    }
    if (uses & USES.listing) lines.push(`${NAMES.listing(label)}\0${digestOf('listing', path)}`)
    if (uses & USES.tree) {
      for (const [folder, listing] of treeListings(path)) {
        const within = labelOf(folder)
        if (within !== undefined) lines.push(`${NAMES.listing(within)}\0${listing}`)
      }
    }
    // Reading a file's content or listing a folder already says what it is, and how big.
    if (!(uses & (USES.content | USES.listing | USES.tree))) {
      const use = uses & USES.stat ? 'stat' : 'exists'
      lines.push(`${NAMES[use](label)}\0${digestOf(use, path)}`)
    }
  }
  for (const path of filesImported(recording, inKey)) {
    const label = labelOf(throughPackageLinks(path))
    if (label !== undefined) lines.push(`module ${label} imported by the factory\0${digestOf('content', path)}`)
  }
  // Inside the workspace by its relative path (a value holds it relocated); elsewhere (a temp
  // folder) the path is the machine's own anyway.
  const outputLabel = (path: string): string => labelOf(path) ?? path
  for (const path of lastingOutputs(recording.outputs, scope, path => valueHolds(outputLabel(path)))) {
    lines.push(`path ${outputLabel(path)} written by the factory\0${digestOf('exists', path)}`)
  }
  for (const [name, value] of recording.env) lines.push(`env ${name} read by the factory\0${value}`)
  if (recording.envNames) lines.push(`${ENV_NAMES_INPUT}\0${recording.envNames}`)
  for (const name of recording.provided) lines.push(`${providedInputName(name)}\0${providedDigest(name)}`)
  for (const [fact, value] of recording.machine) lines.push(`${machineInputName(fact)}\0${value}`)
  if (recording.cwd !== undefined) lines.push(`${WORKING_DIRECTORY_INPUT}\0${workingDirectoryDigest(scope.workspace, recording.cwd)}`)
  const inputs: KeyInput[] = []
  // In the names' order: no other name begins as a read file's (`file …`) does.
  let filesAdded = false
  const addFiles = (): void => {
    filesAdded = true
    contents.sort()
    for (let index = 0; index < contents.length; index++) {
      const path = contents[index]!
      // Two links to one file are one input.
      if (path === contents[index - 1]) continue
      const digest = (linked.has(path) ? linked.get(path) : recording.contentDigests.get(path)) ?? digestOf('content', path)
      inputs.push({ name: NAMES.content(labelOf(path)!), digest })
    }
  }
  for (const line of lines.sort()) {
    if (!filesAdded && line > FILES_BEGIN) addFiles()
    const cut = line.indexOf('\0')
    const name = line.slice(0, cut)
    // Two links to one file name one input.
    if (inputs.at(-1)?.name !== name) inputs.push({ name, digest: line.slice(cut + 1) })
  }
  if (!filesAdded) addFiles()
  return inputs
}

const FILES_BEGIN = 'file '

/**
 * What the factory wrote and left behind: where the value holds its path (a temp database), a hit
 * does not write it again, so it must still be there. A log the value does not name is no part of
 * it (and would make every other checkout rebuild). Not what lies inside another output, nor the
 * cache's own folders, nor what the factory removed again.
 */
function lastingOutputs(outputs: ReadonlySet<string>, scope: RecordScope, held: (path: string) => boolean): string[] {
  if (!outputs.size) return []
  const sorted = [...outputs].sort()
  const lasting: string[] = []
  for (const path of sorted) {
    const within = lasting.at(-1)
    if (within && path.startsWith(`${within}${sep}`)) continue
    if (scope.ignored.some(folder => path === folder || path.startsWith(`${folder}${sep}`))) continue
    // What the value does not name is not looked at: a factory may leave thousands of files.
    if (held(path) && digestOf('exists', path) !== 'missing') lasting.push(path)
  }
  return lasting
}

/** The path relative to the workspace, with forward slashes; undefined when it does not count. */
function labelInScope(scope: RecordScope): (path: string) => string | undefined {
  const asFolder = (folder: string) => (folder.endsWith(sep) ? folder : `${folder}${sep}`)
  const root = asFolder(scope.workspace)
  // Only folders inside the workspace, or around it, can hold a path that counts (the journal is
  // in the temp dir: asked about for nothing on every path).
  const ignored = scope.ignored.map(asFolder).filter(folder => folder.startsWith(root) || root.startsWith(folder))
  // A path is ignored inside an ignored folder, or when it is the folder itself. Thousands of
  // paths per build: no closure and no string made per path and folder.
  const isIgnored = (path: string): boolean => {
    for (const folder of ignored) {
      if (path.startsWith(folder) || (path.length === folder.length - 1 && folder.startsWith(path))) return true
    }
    return false
  }
  return (path) => {
    if (!path.startsWith(root) || isIgnored(path)) return undefined
    const label = sep === '/' ? path.slice(root.length) : path.slice(root.length).split(sep).join('/')
    if (!label || (label.includes('node_modules') && `/${label}/`.includes('/node_modules/'))) return undefined
    return label
  }
}

const IN_NODE_MODULES = `${sep}node_modules${sep}`

/**
 * A workspace package is linked into node_modules: a read through the link is a read of the
 * package's own files, which count. Other paths are taken as they are.
 */
function throughPackageLinks(path: string): string {
  if (!path.includes(IN_NODE_MODULES)) return path
  try {
    return realpathSync(path)
  }
  catch {
    return path
  }
}

