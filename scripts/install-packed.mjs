// Installs this checkout the way a user gets it: `npm pack`, unpacked into <node_modules>/vitest-fixture-cache.
// The build is already there (npm test builds first): `prepack` would rebuild it under concurrent packs.
// A symlink would not do: Vitest runs linked packages through Vite instead of loading them from node_modules.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const repo = fileURLToPath(new URL('..', import.meta.url))

export function installPacked(nodeModules) {
  const packs = mkdtempSync(join(tmpdir(), 'vfc-pack-'))
  try {
    const tarball = execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', packs], { cwd: repo, encoding: 'utf8' }).trim().split('\n').at(-1)
    const target = join(nodeModules, 'vitest-fixture-cache')
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    execFileSync('tar', ['-xzf', join(packs, tarball), '-C', target, '--strip-components=1'])
    return target
  }
  finally {
    rmSync(packs, { recursive: true, force: true })
  }
}
