import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

// Hundreds of cached fixtures in one module: each gets its own answer from one fingerprint
// request per module, and a cold run fits Vitest's default 5 s testTimeout without help.
const COUNT = 300
const names = Array.from({ length: COUNT }, (_, index) => `f${index}`)

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
${names.map((name, index) => `  ${name}: cached(async () => { appendFileSync('builds.log', '${name}\\n'); return { id: ${index} } }),`).join('\n')}
})
`

const user = `
import { expect } from 'vitest'
import { test } from './fixtures'
test('receives each fixture its own value', ({ ${names.join(', ')} }) => {
  expect([${names.join(', ')}].map(value => value.id)).toEqual(Array.from({ length: ${COUNT} }, (_, index) => index))
})
`

it(`builds ${COUNT} fixtures once within the default testTimeout, reuses all, and rebuilds only the one edited`, async () => {
  const project = Project.create({
    'vitest.config.ts': `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache({ coldTimeout: false })] })
`,
    'test/fixtures.ts': FIXTURES,
    'test/a.test.ts': user,
    'test/b.test.ts': user,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual([...names].sort())

  const warm = await runOk(project)
  expect(project.takeBuilds()).toEqual([])
  expect(warm.output).toMatch(new RegExp(`${COUNT} reused`))

  project.edit('test/fixtures.ts', `'f7\\n'); return { id: 7 }`, `'f7\\n'); return { id: 7, edited: true }`)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['f7'])
}, 120_000)
