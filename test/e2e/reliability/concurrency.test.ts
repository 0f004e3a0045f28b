import { expect, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  slow: cached(async () => {
    appendFileSync('builds.log', 'slow\\n')
    await new Promise(resolve => setTimeout(resolve, 400))
    return { rows: [1, 2, 3] }
  }, { scope: 'file' }),
  // Blocks its thread for 1.5 s: a holder that cannot refresh anything must still keep its lock.
  blocking: cached(async () => {
    appendFileSync('builds.log', 'blocking\\n')
    const until = Date.now() + 1500
    while (Date.now() < until) {}
    return 'done'
  }, { scope: 'file' }),
})
`

const USER = `
import { expect } from 'vitest'
import { test } from './fixtures'
test('uses both', ({ slow, blocking }) => {
  expect(slow.rows).toEqual([1, 2, 3])
  expect(blocking).toBe('done')
})
`

it('builds each fixture once across concurrent vitest processes, forks and threads', async () => {
  const files: Record<string, string> = { 'test/fixtures.ts': FIXTURES }
  for (let index = 0; index < 4; index++) files[`test/t${index}.test.ts`] = USER
  const project = Project.create(files)
  await Promise.all([
    runOk(project, ['--pool=forks', '--maxWorkers=2']),
    runOk(project, ['--pool=threads', '--maxWorkers=2']),
    runOk(project, ['--pool=forks', '--maxWorkers=1']),
  ])
  expect(project.takeBuilds()).toEqual(['blocking', 'slow'])
  expect(project.cacheEntries()).toHaveLength(2)
})
