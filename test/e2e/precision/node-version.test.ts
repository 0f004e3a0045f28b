import { expect, inject, it } from 'vitest'
import { node22 } from '../../helpers/cells.js'
import { Project, runOk } from '../../helpers/project.js'

// Vitest 5 needs Node 22, so only the Vitest 4 cell can switch between 20 and 22.
it.runIf(inject('cell').name === 'vitest4-node20')('never serves an entry built on another Node version, and reuses each version\'s own', async () => {
  const other = node22()
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached, fixtureCacheEvents } from 'vitest-fixture-cache'
const test = base.extend({
  runtime: cached(async () => {
    appendFileSync('builds.log', 'runtime\\n')
    return process.version
  }),
})
test('served by the Node that built it', ({ runtime }) => {
  expect(runtime).toBe(process.version)
  console.log('reasons:', fixtureCacheEvents().map(event => event.reason ?? event.outcome).join('; '))
})
`,
  })
  await runOk(project)
  const onOther = await runOk(project, [], {}, other)
  expect(onOther.output).toContain(`reasons: Node ${process.version} → v22.`)
  expect(project.takeBuilds()).toEqual(['runtime', 'runtime'])

  await runOk(project)
  await runOk(project, [], {}, other)
  expect(project.takeBuilds()).toEqual([])
  expect(project.cacheEntries()).toHaveLength(2)
})
