// Shared by the example runners: an example project with this checkout's build installed and an
// empty cache, and the Vitest that runs it.
import { existsSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { installPacked } from '../scripts/install-packed.mjs'

const repo = fileURLToPath(new URL('..', import.meta.url))

export const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs')

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
