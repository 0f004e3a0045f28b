// Shared by the example runners: an example project with this checkout's build installed and an
// empty cache, and the Vitest that runs it.
import { spawnSync } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installPacked } from '../scripts/install-packed.mjs'

const repo = fileURLToPath(new URL('..', import.meta.url))

const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

/** The example's folder, ready for a cold run; `script` is the npm script that builds first. */
export function prepareExample(name, script) {
  if (!existsSync(join(repo, 'dist/index.js'))) {
    console.error(`dist/ is missing: run \`npm run build\` first (npm run ${script} does).`)
    process.exit(1)
  }
  const example = join(repo, 'examples', name)
  // The example imports the package by name, as a user's project would: install this checkout's build there.
  installPacked(join(example, 'node_modules'))
  rmSync(join(example, 'node_modules/.cache/vitest-fixture-cache'), { recursive: true, force: true })
  return example
}

/** One `vitest run` of the example, timed; a failed run prints its output and ends the script. */
export function runExample(example, label, args = [], env = {}) {
  const started = performance.now()
  const result = spawnSync(process.execPath, [vitest, 'run', ...args], {
    cwd: example,
    encoding: 'utf8',
    env: { ...process.env, ...env, FORCE_COLOR: '0', NO_COLOR: '1' },
  })
  const seconds = (performance.now() - started) / 1000
  const output = `${result.stdout}${result.stderr}`
  if (result.status !== 0) {
    console.error(output)
    console.error(`The ${label} run failed.`)
    process.exit(1)
  }
  return { seconds, output, tests: output.match(/Tests\s+(.+)/)?.[1]?.trim() ?? '' }
}
