import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'

const fixtures = (body: string) => `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  stable: cached(async () => {
    appendFileSync('builds.log', 'stable\\n')
    return [1, 2, 3]
  }),
  shaky: cached(async () => {
    appendFileSync('builds.log', 'shaky\\n')
    return ${body}
  }),
})
test('uses both', ({ stable, shaky }) => { expect([stable, shaky]).toBeDefined() })
`

it('FIXTURE_CACHE=readonly reads entries and never writes', async () => {
  const project = Project.create({ 'test/a.test.ts': fixtures('42') })
  await runOk(project, [], { FIXTURE_CACHE: 'readonly' })
  expect(project.takeBuilds()).toEqual(['shaky', 'stable'])
  expect(project.exists('node_modules/.cache')).toBe(false)
  await runOk(project)
  project.takeBuilds()
  await runOk(project, [], { FIXTURE_CACHE: 'readonly' })
  expect(project.takeBuilds()).toEqual([])
})

it('FIXTURE_CACHE=readonly leaves even a damaged entry as it is', async () => {
  const project = Project.create({ 'test/a.test.ts': fixtures('42') })
  await runOk(project)
  project.takeBuilds()
  const entry = join(project.dir, 'node_modules/.cache/vitest-fixture-cache', project.cacheEntries()[0]!)
  writeFileSync(entry, 'damaged')
  await runOk(project, [], { FIXTURE_CACHE: 'readonly' })
  expect(project.takeBuilds()).toHaveLength(1)
  expect(readFileSync(entry, 'utf8')).toBe('damaged')
})

it('FIXTURE_CACHE=verify passes for deterministic factories', async () => {
  const project = Project.create({ 'test/a.test.ts': fixtures('{ seed: 7 }') })
  await runOk(project)
  project.takeBuilds()
  await runOk(project, [], { FIXTURE_CACHE: 'verify' })
  expect(project.takeBuilds()).toEqual(['shaky', 'stable'])
})

it('FIXTURE_CACHE=verify fails the run naming a factory whose rebuild differs', async () => {
  const project = Project.create({ 'test/a.test.ts': fixtures('Math.random()') })
  await runOk(project)
  const result = await project.run([], { FIXTURE_CACHE: 'verify' })
  expect(result.code).toBe(1)
  expect(result.output).toContain('FIXTURE_CACHE=verify: "shaky" built again differs from the stored value')
  expect(result.output).not.toContain('"stable" built again differs')
  // The summary names each fixture and what verify found.
  expect(result.stdout).toMatch(/fixture cache: 2 rebuilt in \d+\.\d s — shaky: verify: differs from the stored value; stable: verify: same as stored/)
})
