import type { TestProject } from 'vitest/node'
import type { Cell } from './cells.js'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { installPacked } from '../../scripts/install-packed.mjs'
import { cell } from './cells.js'

const repo = resolve(import.meta.dirname, '../..')

declare module 'vitest' {
  export interface ProvidedContext {
    sandbox: string
    cell: Cell
  }
}

/**
 * Installs the built package the way a user gets it: `npm pack`, unpacked into a sandbox
 * `node_modules` beside the dev dependencies, with this cell's Vitest over them.
 * Test projects are folders inside the sandbox.
 */
export default function setup(project: TestProject): () => void {
  const matrixCell = cell(project.name)
  const sandbox = mkdtempSync(join(tmpdir(), `vfc-e2e-${matrixCell.name}-`))
  const modules = join(sandbox, 'node_modules')
  mkdirSync(modules)
  const link = (from: string) => {
    for (const name of readdirSync(from)) {
      if (name === 'vitest-fixture-cache' || name === '.cache' || name.startsWith('.package-lock')) continue
      rmSync(join(modules, name), { force: true })
      symlinkSync(join(from, name), join(modules, name))
    }
  }
  link(join(repo, 'node_modules'))
  if (matrixCell.modules) link(matrixCell.modules)
  installPacked(modules)
  project.provide('sandbox', sandbox)
  project.provide('cell', matrixCell)
  return () => rmSync(sandbox, { recursive: true, force: true })
}
