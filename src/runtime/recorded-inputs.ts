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
  resolved: path => `path ${path} resolved by the factory`,
}

/**
 * The recording as inputs: contents digested now, env values hashed (never stored). `valueHolds`
 * says whether the stored value holds a text (a path the factory wrote to); `inKey` whether a
 * module's code is in the key already (the factory reaches it by name).
 */
export function recordedInputs(recording: Recording, scope: RecordScope, valueHolds: (text: string) => boolean = () => false, inKey: (file: string) => boolean = () => false): KeyInput[] {
  const { labelOf, plainLabel } = labelInScope(scope)
  // Files whose content was read, the thousands, as read (the entry's id sorts its inputs, and
  // sorting here too would cost as much as naming them).
  const contents: KeyInput[] = []
  // Files counted through another path than their own read (a package link, a copied folder).
  const countedApart = new Set<string>()
  // The few others: `name\0digest`, sorted as plain strings (no comparator: NUL sorts first, so the order is the names').
  const lines: string[] = []
  // (A callback, not a loop: this runs once per build, too few times for the engine to optimize a
  // loop, while a callback called a thousand times is.)
  recording.files.forEach((uses, read) => {
    // The usual read, a file's content in the workspace: as little work as can be.
    const plain = uses === USES.content ? plainLabel(read) : undefined
    if (plain !== undefined) {
      contents.push({ name: NAMES.content(plain), digest: recording.contentDigests.get(read) ?? digestOf('content', read) })
      return
    }
    const path = throughPackageLinks(read)
    const label = labelOf(path)
    if (label === undefined) return
    // A file read through a package link and by its own path (or through two links) is one input.
    if (uses & USES.content && (path === read || !((recording.files.get(path) ?? 0) & USES.content || countedApart.has(path)))) {
      countedApart.add(path)
      contents.push({ name: NAMES.content(label), digest: recording.contentDigests.get(read) ?? digestOf('content', path) })
    }
    if (uses & USES.listing) lines.push(`${NAMES.listing(label)}\0${digestOf('listing', path)}`)
    // A folder copied: every folder's listing, and every file's content (unless read apart).
    const copied = uses & USES.copied ? [] as string[] : undefined
    if (copied && digestOf('exists', path) !== 'directory') copied.push(path)
    else if (uses & (USES.tree | USES.copied)) {
      for (const [folder, listing] of treeListings(path, copied)) {
        const within = labelOf(folder)
        if (within !== undefined) lines.push(`${NAMES.listing(within)}\0${listing}`)
      }
    }
    for (const file of copied ?? []) {
      const within = labelOf(file)
      if (within === undefined || (recording.files.get(file) ?? 0) & USES.content || countedApart.has(file)) continue
      countedApart.add(file)
      contents.push({ name: NAMES.content(within), digest: digestOf('content', file) })
    }
    if (uses & USES.resolved) lines.push(`${NAMES.resolved(label)}\0${digestOf('resolved', path)}`)
    // Reading a file's content or listing a folder already says what it is, and how big.
    if (!(uses & (USES.content | USES.listing | USES.tree | USES.copied | USES.resolved))) {
      const use = uses & USES.stat ? 'stat' : 'exists'
      lines.push(`${NAMES[use](label)}\0${digestOf(use, path)}`)
    }
  })
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
  // Read files where their names go: no other name begins as theirs (`file …`) do.
  let filesAdded = false
  for (const line of lines.sort()) {
    if (!filesAdded && line > FILES_BEGIN) {
      inputs.push(...contents)
      filesAdded = true
    }
    const cut = line.indexOf('\0')
    const name = line.slice(0, cut)
    if (inputs.at(-1)?.name !== name) inputs.push({ name, digest: line.slice(cut + 1) })
  }
  if (!filesAdded) inputs.push(...contents)
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
function labelInScope(scope: RecordScope): { labelOf: (path: string) => string | undefined, plainLabel: (path: string) => string | undefined } {
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
  const labelOf = (path: string): string | undefined => {
    if (!path.startsWith(root) || isIgnored(path)) return undefined
    const label = sep === '/' ? path.slice(root.length) : path.slice(root.length).split(sep).join('/')
    if (!label || (label.includes('node_modules') && `/${label}/`.includes('/node_modules/'))) return undefined
    return label
  }
  // The label of a path inside the workspace, not in or through node_modules, not ignored: the
  // usual read, with as little work as can be.
  const plainLabel = (path: string): string | undefined => (sep === '/' && path.startsWith(root) && path.length > root.length && !path.includes('node_modules') && !isIgnored(path) ? path.slice(root.length) : undefined)
  return { labelOf, plainLabel }
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

