import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { expect, inject, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'
import { BASE_FILES, FIXTURE_NAMES } from './base-project.js'

// Vitest 5 keeps transformed modules on disk and does not transform unchanged files again: the
// plugin's transform hook is then not called, so every fingerprint must come from elsewhere.
it.runIf(inject('cell').name === 'vitest5-node22')('stays exact with Vitest 5\'s module cache warm, and after it is cleared', async () => {
  const project = Project.create(BASE_FILES)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(FIXTURE_NAMES)
  const moduleCache = join(project.dir, 'node_modules/.vitest-cache')
  expect(existsSync(moduleCache)).toBe(true)

  // Second and third runs: everything served from both caches.
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])

  // A helper in another module changes; the module that calls cached() does not, and stays cached.
  // (The words stay the same: `chained`, built on their value, is reused.)
  project.edit('src/text.ts', `.filter(Boolean)`, `.filter(word => word.length > 0)`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['words'])
  project.edit('src/stats.ts', `, 0) / values.length`, `, 0) / Math.max(values.length, 1)`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['stats'])

  rmSync(moduleCache, { recursive: true, force: true })
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  project.edit('src/lazy.ts', `'lazy'`, `'lazier'`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['dynamic'])
})
