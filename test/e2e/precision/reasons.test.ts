import { beforeAll, expect, it } from 'vitest'
import { Project, runOk } from '../../helpers/project.js'
import { BASE_FILES } from './base-project.js'

let base: Project
beforeAll(async () => {
  base = Project.create(BASE_FILES)
  await runOk(base, [], { DEBUG: 'vitest-fixture-cache' })
})

const DEBUG = { DEBUG: 'vitest-fixture-cache' }

it('names the input that changed in the debug log', async () => {
  const project = base.copy()
  project.edit('src/text.ts', `.filter(Boolean)`, `.filter(word => word !== '')`)
  project.edit('node_modules/tiny-lib/package.json', `"version":"1.0.0"`, `"version":"1.1.0"`)
  const { stderr } = await runOk(project, [], { ...DEBUG, SEED: '7', FIXTURE_CACHE_REFRESH: 'keyed' })
  expect(stderr).toMatch(/words: built in \d+ ms \(helper tokenize\(\) in src\/text\.ts changed\)/)
  // The edit leaves the words the same: what is chained on them is reused.
  expect(stderr).toMatch(/chained: reused/)
  expect(stderr).toMatch(/pkg: built in \d+ ms \(package tiny-lib 1\.0\.0 → 1\.1\.0\)/)
  expect(stderr).toMatch(/envSeed: built in \d+ ms \(env SEED changed\)/)
  expect(stderr).toMatch(/keyed: built in \d+ ms \(refresh requested\)/)
  expect(stderr).toMatch(/local: reused/)
})

it('names an upstream fixture whose value changed', async () => {
  const project = base.copy()
  project.edit('test/fixtures.ts', `tokenize('The quick brown fox')`, `tokenize('The slow brown fox')`)
  const { stderr } = await runOk(project, [], DEBUG)
  expect(stderr).toMatch(/chained: built in \d+ ms \(fixture words value changed\)/)
})

it('says "first build" for a new fixture', async () => {
  const project = Project.create(BASE_FILES)
  const { stderr } = await runOk(project, [], DEBUG)
  expect(stderr).toMatch(/words: built in \d+ ms \(first build\)/)
})
