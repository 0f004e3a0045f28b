import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'

/** Removes a folder fixture's temporary folder, read-only folders in it too (a test may have made more of them). */
export function removeTree(root: string): void {
  try {
    rmSync(root, { recursive: true, force: true })
  }
  catch {
    const writable = (folder: string): void => {
      try {
        chmodSync(folder, 0o700)
        for (const name of readdirSync(folder)) {
          if (lstatSync(join(folder, name)).isDirectory()) writable(join(folder, name))
        }
      }
      catch {}
    }
    writable(root)
    rmSync(root, { recursive: true, force: true })
  }
}

