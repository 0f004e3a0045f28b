// Shared by the benchmarks: throwaway projects that use this checkout's build, and timed runs.
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { installPacked } from '../scripts/install-packed.mjs'

export const repo = fileURLToPath(new URL('..', import.meta.url))
const vitest = join(repo, 'node_modules/vitest/vitest.mjs')

/** A folder whose node_modules holds the dev dependencies and this package (linked to the build). */
export function sandbox() {
  const root = mkdtempSync(join(tmpdir(), 'vfc-bench-'))
  mkdirSync(join(root, 'node_modules'))
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name !== '.cache' && name !== 'vitest-fixture-cache') symlinkSync(join(repo, 'node_modules', name), join(root, 'node_modules', name))
  }
  installPacked(join(root, 'node_modules'))
  return { root, remove: () => rmSync(root, { recursive: true, force: true }) }
}

export function project(root, name, files) {
  const dir = join(root, name)
  for (const [path, content] of Object.entries({ 'package.json': '{"type":"module"}', ...files })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true })
    writeFileSync(join(dir, path), content)
  }
  return dir
}

/** Wall-clock seconds of one `vitest run` in `dir`. */
export function timeRun(dir, env = {}) {
  const started = performance.now()
  const result = spawnSync(process.execPath, [vitest, 'run'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, CI: 'true', NO_COLOR: '1', ...env },
  })
  if (result.status !== 0) throw new Error(`vitest failed in ${dir}:\n${result.stdout}${result.stderr}`)
  return { seconds: (performance.now() - started) / 1000, output: result.stdout }
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/** The median of round-by-round ratios: drift in the machine's speed between rounds cancels. */
export function pairedRatio(measured, baseline) {
  return median(measured.map((value, index) => value / baseline[index]))
}

export const PLUGIN_CONFIG = `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache({ silent: true })] })
`

export const PLAIN_CONFIG = `
import { defineConfig } from 'vitest/config'
export default defineConfig({})
`

// In-process benchmarks collect garbage before each timed step: otherwise a step pays for the
// garbage the step before it left, and which side of a ratio pays depends on the order they ran.
setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

/** A full garbage collection, so the next timed step starts from the same heap state as its rival. */
export function collectGarbage() {
  gc()
}
