import type { TestProject } from 'vitest/node'
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '../..')

declare module 'vitest' {
  export interface ProvidedContext {
    sandbox: string
  }
}

/**
 * Installs the built package the way a user gets it: `npm pack`, unpacked into a sandbox
 * `node_modules` beside the dev dependencies. Test projects are folders inside the sandbox.
 */
export default function setup(project: TestProject): () => void {
  const sandbox = mkdtempSync(join(tmpdir(), 'vfc-e2e-'))
  const modules = join(sandbox, 'node_modules')
  mkdirSync(modules)
  for (const name of readdirSync(join(repo, 'node_modules'))) {
    if (name !== 'vitest-fixture-cache' && name !== '.cache') symlinkSync(join(repo, 'node_modules', name), join(modules, name))
  }
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', sandbox], { cwd: repo, encoding: 'utf8' }).trim().split('\n').at(-1)!
  const installed = join(modules, 'vitest-fixture-cache')
  mkdirSync(installed)
  execFileSync('tar', ['-xzf', join(sandbox, packed), '-C', installed, '--strip-components=1'])
  project.provide('sandbox', sandbox)
  return () => rmSync(sandbox, { recursive: true, force: true })
}
