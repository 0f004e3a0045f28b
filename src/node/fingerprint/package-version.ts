import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, sep } from 'node:path'
import { digest } from '../../shared/digest.js'

const byFolder = new Map<string, { name: string, version: string } | null>()
// Read again for each fingerprint request: a patch is edited in place, between runs of a watch.
const patchesByFolder = new Map<string, Array<{ file: string, text: Buffer }>>()

/** Forgets the patches read: the next request reads them afresh. */
export function forgetPatches(): void {
  patchesByFolder.clear()
}

/**
 * The package that owns a file under node_modules: the nearest package.json with a name. Its
 * version says what its code is, unless the project patches it (patch-package, `pnpm patch`: the
 * same version, other code): then the patches' digest joins it (`1.0.0 patched 3f2a…`).
 */
export function owningPackage(file: string): { name: string, version: string } | null {
  const found = nearestPackage(file)
  if (!found) return null
  const patches = patchesFor(found.name, file)
  return patches ? { name: found.name, version: `${found.version} patched ${patches}` } : found
}

function nearestPackage(file: string): { name: string, version: string } | null {
  for (let folder = dirname(file); ; folder = dirname(folder)) {
    if (byFolder.has(folder)) return byFolder.get(folder)!
    const found = readPackage(folder)
    if (found) {
      byFolder.set(folder, found)
      return found
    }
    if (dirname(folder) === folder) return null
  }
}

function readPackage(folder: string): { name: string, version: string } | null {
  try {
    const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name?: string, version?: string }
    return manifest.name ? { name: manifest.name, version: manifest.version ?? '0.0.0' } : null
  }
  catch {
    return null
  }
}

/**
 * The digest of the patches for a package in the `patches` folder beside the outermost
 * node_modules that holds it, as patch-package (`@scope+name+1.0.0.patch`) and pnpm
 * (`@scope__name@1.0.0.patch`, `name.patch`) name them; undefined when there are none.
 */
function patchesFor(name: string, file: string): string | undefined {
  const outermost = file.indexOf(`${sep}node_modules${sep}`)
  if (outermost < 0) return undefined
  const folder = join(file.slice(0, outermost), 'patches')
  let patches = patchesByFolder.get(folder)
  if (!patches) {
    patches = []
    try {
      for (const entry of readdirSync(folder).sort()) {
        if (entry.endsWith('.patch')) patches.push({ file: entry, text: readFileSync(join(folder, entry)) })
      }
    }
    catch {} // no patches folder: the usual case
    patchesByFolder.set(folder, patches)
  }
  const prefixes = [`${name.replace('/', '+')}+`, `${name.replace('/', '__')}@`]
  const own = patches.filter(({ file }) => prefixes.some(prefix => file.startsWith(prefix)) || file === `${name.replace('/', '__')}.patch`)
  return own.length ? digest(...own.flatMap(({ file, text }) => [file, text])).slice(0, 16) : undefined
}
