// A folder as one blob: what cachedDir() stores. File contents, modes, symbolic links (as links,
// never followed) and empty folders; in path order and without times, so the same tree gives the
// same bytes (verify compares them). What a snapshot cannot give back faithfully is refused.
import { isUtf8 } from 'node:buffer'
import { chmodSync, constants, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative, sep } from 'node:path'
import { CachedFixtureError } from './errors.js'

const MAGIC = 'vitest-fixture-cache dir 1\n'

type Node =
  | { path: string, type: 'dir', mode: number }
  | { path: string, type: 'file', mode: number, size: number, relocated?: true }
  | { path: string, type: 'link', target: string }

// Stands for the folder's own path in a text file that holds it (a config written with `dir` in it):
// each copy gets its own path back, and the snapshot is the same bytes whatever folder it was built in.
// A NUL never appears in the text files it replaces a path in.
const FOLDER = Buffer.from('\0vitest-fixture-cache:dir\0')

/** The tree under `root` as bytes; `label` names the fixture in errors. */
export function snapshotDir(root: string, label: string): Buffer {
  const nodes: Node[] = []
  const contents: Buffer[] = []
  // The path as given and as the file system names it (a factory may write either: macOS's
  // temp folders are under /var, which is /private/var).
  const rootPaths = [...new Set([realpathSync(root), root])]
  const roots = rootPaths.map(path => Buffer.from(path))
  const visit = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const file = join(folder, name)
      const path = relative(root, file).split(sep).join('/')
      const stats = lstatSync(file)
      const mode = stats.mode & 0o7777
      if (stats.isSymbolicLink()) {
        const target = readlinkSync(file)
        // A link into the folder being built would point nowhere once restored elsewhere: kept relative.
        const base = isAbsolute(target) ? rootPaths.find(path => !relative(path, target).startsWith('..')) : undefined
        nodes.push({ path, type: 'link', target: base === undefined ? target : relative(join(base, dirname(path)), target) || '.' })
      }
      else if (stats.isDirectory()) {
        nodes.push({ path, type: 'dir', mode })
        visit(file)
      }
      else if (stats.isFile()) {
        if (stats.nlink > 1) refuse(label, path, 'is a hard link (its link to another path cannot be restored)')
        let bytes: Buffer = readFileSync(file)
        const relocated = roots.some(path => bytes.includes(path)) && !bytes.includes(0) && isUtf8(bytes)
        if (relocated) for (const path of roots) bytes = replaceAll(bytes, path, FOLDER)
        nodes.push({ path, type: 'file', mode, size: bytes.length, ...relocated ? { relocated } : {} })
        contents.push(bytes)
      }
      else {
        refuse(label, path, `is a ${stats.isSocket() ? 'socket' : stats.isFIFO() ? 'named pipe' : 'device'}, which a snapshot cannot restore`)
      }
    }
  }
  visit(root)
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(nodes)}\n`), ...contents])
}

/**
 * Makes the tree of a snapshot under `root` (an empty folder). With `from`, a tree restored from
 * the same snapshot before, files are cloned from it (copy-on-write where the file system can)
 * instead of written from the snapshot's bytes.
 */
export function restoreDir(snapshot: Buffer, root: string, from?: string): void {
  const start = snapshot.indexOf(0x0A, MAGIC.length)
  if (!snapshot.subarray(0, MAGIC.length).equals(Buffer.from(MAGIC)) || start < 0) throw new CachedFixtureError('not a folder snapshot')
  const nodes = JSON.parse(snapshot.toString('utf8', MAGIC.length, start)) as Node[]
  let at = start + 1
  // Files are created with their mode; only what the umask would take away needs a chmod (each one
  // is a metadata write, which on some disks costs as much as the file).
  const umask = process.umask()
  const folders: Array<{ path: string, mode: number }> = []
  for (const node of nodes) {
    const file = join(root, ...node.path.split('/'))
    if (relative(root, file).startsWith('..')) throw new CachedFixtureError(`a folder snapshot names a path outside its folder: ${node.path}`)
    if (node.type === 'dir') {
      mkdirSync(file, { mode: 0o700 })
      folders.push({ path: file, mode: node.mode })
    }
    else if (node.type === 'file') {
      const stored = snapshot.subarray(at, at += node.size)
      // A file that holds the folder's path holds this copy's: written, never cloned from another copy.
      const written = node.relocated ? replaceAll(stored, FOLDER, Buffer.from(root)) : stored
      // A clone takes the source's mode; a new file's descriptor can write whatever its mode says.
      if (from && !node.relocated) copyFileSync(join(from, ...node.path.split('/')), file, constants.COPYFILE_FICLONE)
      else writeFileSync(file, written, { mode: node.mode })
      if ((!from || node.relocated) && node.mode & umask) chmodSync(file, node.mode)
    }
    else {
      symlinkSync(node.target, file)
    }
  }
  // Folder modes last, deepest first: a read-only folder must not stop its contents being written.
  for (const folder of folders.reverse()) chmodSync(folder.path, folder.mode)
}

function replaceAll(bytes: Buffer, what: Buffer, by: Buffer): Buffer {
  const parts: Buffer[] = []
  let from = 0
  for (let at = bytes.indexOf(what); at >= 0; at = bytes.indexOf(what, from)) {
    parts.push(bytes.subarray(from, at), by)
    from = at + what.length
  }
  return from ? Buffer.concat([...parts, bytes.subarray(from)]) : bytes
}

function refuse(label: string, path: string, problem: string): never {
  throw new CachedFixtureError(`cachedDir() ${label}: ${path} ${problem}; leave it out of the folder, or make it in the test`)
}
