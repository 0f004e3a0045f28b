import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

it('rebuilds when a declared key, file or env variable changes, and only then', async () => {
  const project = Project.create({
    'data/words.txt': 'alpha\nbeta\n',
    'data/extra/one.txt': '1',
    'settings.json': JSON.stringify({ version: 1 }),
    'test/a.test.ts': `
import { appendFileSync, readFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import settings from '../settings.json'

const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return readFileSync('data/words.txt', 'utf8').split('\\n').filter(Boolean)
  }, { files: ['data/words.txt', 'data/extra/**/*.txt'] }),
  seeded: cached(async () => {
    appendFileSync('builds.log', 'seeded\\n')
    return Number(process.env.SEED ?? 0) * 2
  }, { env: 'SEED' }),
  versioned: cached(async () => {
    appendFileSync('builds.log', 'versioned\\n')
    return settings.version
  }, { key: () => ({ settings: settings.version }) }),
})

test('all', ({ words, seeded, versioned }) => {
  expect(words.length).toBeGreaterThan(0)
  expect(seeded).toBe(Number(process.env.SEED ?? 0) * 2)
  expect(versioned).toBe(settings.version)
})
`,
  })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['seeded', 'versioned', 'words'])

  project.write('data/words.txt', 'alpha\nbeta\ngamma\n')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['words'])

  project.write('data/extra/deeper/two.txt', '2')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['words'])

  await runOk(project, [], { SEED: '21' })
  expect(project.takeBuilds()).toEqual(['seeded'])
  await runOk(project, [], { SEED: '21' })
  expect(project.takeBuilds()).toEqual([])

  project.write('settings.json', JSON.stringify({ version: 2 }))
  await runOk(project, [], { SEED: '21' })
  expect(project.takeBuilds()).toEqual(['versioned'])
})
