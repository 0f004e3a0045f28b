import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'

const byFolder = new Map<string, { name: string, version: string } | null>()

/** The package that owns a file under node_modules: the nearest package.json with a name. */
export function owningPackage(file: string): { name: string, version: string } | null {
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
