import { expect, inject, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const fixtures = (label: string): string => `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  db: cached(async () => {
    appendFileSync('builds.log', '${label}\\n')
    return { project: '${label}' }
  }),
})
`

const user = (label: string): string => `
import { expect } from 'vitest'
import { test } from './fixtures'
test('db', ({ db }) => { expect(db.project).toBe('${label}') })
`

it('keeps fixtures of the same name in two projects apart and reuses both', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({
  plugins: [fixtureCache()],
  test: {
    projects: [
      { extends: true, test: { name: 'api', root: 'packages/api' } },
      { extends: true, test: { name: 'web', root: 'packages/web' } },
    ],
  },
})
`,
    'packages/api/test/fixtures.ts': fixtures('api'),
    'packages/api/test/a.test.ts': user('api'),
    'packages/web/test/fixtures.ts': fixtures('web'),
    'packages/web/test/a.test.ts': user('web'),
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['api', 'web'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  // One cache for the whole run, under the Vitest root.
  expect(project.cacheEntries()).toHaveLength(2)
  await runOk(project, ['--project', 'web'], { FIXTURE_CACHE_REFRESH: 'db' })
  expect(project.takeBuilds()).toEqual(['web'])
})

it('fails clearly when a project runs cached() without the plugin (Vitest 4: inline projects without extends)', async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({
  plugins: [fixtureCache()],
  test: { projects: [{ test: { name: 'bare', root: 'packages/bare' } }] },
})
`,
    'packages/bare/test/fixtures.ts': fixtures('bare'),
    'packages/bare/test/a.test.ts': user('bare'),
  })
  const result = await project.run()
  if (inject('cell').inlineProjectsInheritPlugins) {
    expect(result.code).toBe(0)
    expect(project.takeBuilds()).toEqual(['bare'])
    return
  }
  expect(result.code).toBe(1)
  expect(result.output).toContain(`cached() at packages/bare/test/fixtures.ts:6 runs without the fixtureCache plugin`)
  expect(result.output).toContain('need "extends: true"')
  expect(project.takeBuilds()).toEqual([])
})
