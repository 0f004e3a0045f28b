import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { expect, inject, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export function expected(size: number) {
  return Array.from({ length: size }, (_, index) => ({ index, label: 'item-' + index }))
}
export const test = base.extend({
  big: cached(async () => {
    appendFileSync('builds.log', 'big\\n')
    await new Promise(resolve => setTimeout(resolve, Math.random() * 100))
    return expected(60_000)
  }, { scope: 'file' }),
})
`

const USER = `
import { expect } from 'vitest'
import { expected, test } from './fixtures'
test('the value is whole and right', ({ big }) => {
  expect(big).toEqual(expected(60_000))
})
`

/** Starts a run that rebuilds everything and SIGKILLs its whole process group after `afterMs`. */
function killedRun(project: Project, afterMs: number, temp: string): Promise<void> {
  const vitest = join(inject('sandbox'), 'node_modules/vitest/vitest.mjs')
  return new Promise((resolve) => {
    const child = spawn(inject('cell').node, [vitest, 'run'], {
      cwd: project.dir,
      detached: true,
      stdio: 'ignore',
      env: { ...process.env, FIXTURE_CACHE_REFRESH: '1', CI: 'true', VITEST: '', VITEST_POOL_ID: '', VITEST_WORKER_ID: '', TMPDIR: temp },
    })
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      }
      catch {}
    }, afterMs)
    child.on('exit', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

it('leaves a cache the next run can trust after 50 SIGKILLs at random moments', async () => {
  const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': USER, 'test/b.test.ts': USER })
  // The runs' own temp folder: what killed runs leave there (their journals) is seen apart from other tests'.
  const temp = join(project.dir, 'tmp')
  mkdirSync(temp)
  await runOk(project, [], { TMPDIR: temp })
  for (let round = 0; round < 50; round++) await killedRun(project, 150 + Math.random() * 900, temp)

  await runOk(project, [], { TMPDIR: temp })
  // Each killed run's journal names its main process: the next run removed them all, not a day later.
  expect(readdirSync(temp).filter(name => name.startsWith('vitest-fixture-cache-'))).toEqual([])
  const cache = join(project.dir, 'node_modules/.cache/vitest-fixture-cache')
  const files = readdirSync(cache, { recursive: true }) as string[]
  expect(files.filter(file => /\.entry\.[0-9a-f]+$/.test(file))).toEqual([])
  expect(readdirSync(join(cache, 'locks'))).toEqual([])
  expect(project.cacheEntries()).toHaveLength(1)
  project.takeBuilds()
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
}, 180_000)
