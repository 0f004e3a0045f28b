// A cold build runs inside the first test that uses it: it must not turn the run red by timeout.
import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  slow: cached(async () => {
    appendFileSync('builds.log', 'slow\\n')
    await new Promise(resolve => setTimeout(resolve, 7000))
    return 42
  }),
})
`
const USERS = Object.fromEntries([0, 1, 2, 3].map(index => [`test/t${index}.test.ts`, `
import { expect } from 'vitest'
import { test } from './fixtures'
test('waits for the slow fixture', ({ slow }) => { expect(slow).toBe(42) })
`]))

for (const pool of ['forks', 'threads']) {
  it(`passes a cold run whose 7 s build outlasts the default 5 s test timeout (${pool})`, async () => {
    const project = Project.create({ 'test/fixtures.ts': FIXTURES, ...USERS })
    const cold = await runOk(project, [`--pool=${pool}`])
    expect(project.takeBuilds()).toEqual(['slow'])
    expect(cold.stdout).toContain('fixture cache (cold run): test and hook timeouts raised to at least 600 s while cached fixtures build')
    const warm = await runOk(project, [`--pool=${pool}`])
    expect(project.takeBuilds()).toEqual([])
    expect(warm.stdout).not.toContain('timeouts raised')
  })
}

it('names the fixture when a rebuild outlasts the test timeout, and a refresh run passes', async () => {
  const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/t0.test.ts': USERS['test/t0.test.ts']! })
  await runOk(project)
  project.edit('test/fixtures.ts', 'return 42', 'return 40 + 2')
  const timedOut = await project.run()
  expect(timedOut.code).toBe(1)
  expect(timedOut.output).toContain('Test timed out')
  expect(timedOut.output).toMatch(/"slow" was still being built or loaded \(\d+\.\d s\) when its test timed out/)
  expect(timedOut.output).toContain('FIXTURE_CACHE_REFRESH=slow')
  await runOk(project, [], { FIXTURE_CACHE_REFRESH: 'slow' })
})
