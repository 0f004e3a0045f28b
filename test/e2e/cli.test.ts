import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, inject, it } from 'vitest'
import { cli, Project, runOk } from '../helpers/project.js'


const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  corpus: cached(async () => { appendFileSync('builds.log', 'corpus\\n'); return 'x'.repeat(5000) }),
  db: cached(async () => { appendFileSync('builds.log', 'db\\n'); return [1, 2, 3] }),
})
test('both', ({ corpus, db }) => { expect(corpus.length + db.length).toBe(5003) })
`

it('lists, describes, clears and prunes the cache a run left', async () => {
  const project = Project.create({ 'test/a.test.ts': FIXTURES })
  await runOk(project)

  const listed = JSON.parse((await cli(project, ['list', '--json'])).stdout) as Array<{ name: string, size: number, node: string, key: string }>
  expect(listed.map(entry => entry.name)).toEqual(['corpus', 'db'])
  expect(listed[0]).toMatchObject({ node: inject('cell').nodeVersion })
  expect(listed[0]!.size).toBeGreaterThan(5000)
  expect((await cli(project, ['list'])).stdout).toMatch(/^NAME\s+FILE\s+KEY\s+SIZE/)
  expect((await cli(project, ['info'])).stdout).toMatch(/entries\s+2/)

  // explain: what each entry's key is made of.
  const explained = (await cli(project, ['explain', 'corpus'])).stdout
  expect(explained).toMatch(/^corpus \(test\/a\.test\.ts\) key [0-9a-f]{12}, Node v\d+/)
  expect(explained).toMatch(/^ {2}factory {2}[0-9a-f]{12}$/m)
  expect(explained).toContain(`  node  ${inject('cell').nodeVersion}`)
  expect(explained).not.toContain('db (')
  const explainedJson = JSON.parse((await cli(project, ['explain', '--json'])).stdout) as Array<{ name: string, inputs: Array<{ name: string }> }>
  expect(explainedJson.map(entry => entry.name)).toEqual(['corpus', 'db'])
  expect(explainedJson[0]!.inputs.map(input => input.name)).toContain('factory')
  expect((await cli(project, ['explain', 'nope'])).code).toBe(2)

  const unknown = await cli(project, ['clear', 'nope'])
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toContain('no cached fixture named nope; cached fixtures: corpus, db')

  expect((await cli(project, ['clear', 'db'])).stdout).toContain('removed 1 entry')
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['corpus', 'db', 'db'])

  expect((await cli(project, ['prune', '--max-size', '1kB'])).stdout).toContain('removed 1 entry')
  expect(project.cacheEntries()).toHaveLength(1)
  expect((await cli(project, ['clear'])).stdout).toContain('removed 1 entry')
  expect(project.cacheEntries()).toEqual([])
})

it('says when there is no cache, and takes --dir and FIXTURE_CACHE_DIR', async () => {
  const project = Project.create({ 'test/a.test.ts': FIXTURES })
  const missing = await cli(project, ['list'])
  expect(missing.code).toBe(2)
  expect(missing.stderr).toContain('no fixture cache at')
  await runOk(project, [], { FIXTURE_CACHE_DIR: '.custom' })
  expect((await cli(project, ['info', '--dir', '.custom'])).stdout).toMatch(/entries\s+2/)
  expect((await cli(project, ['info'], { FIXTURE_CACHE_DIR: '.custom' })).stdout).toMatch(/entries\s+2/)
  expect((await cli(project, ['bogus'])).code).toBe(2)
  // Usage errors: one line, no stack, exit 2.
  const extra = await cli(project, ['list', 'extra-arg'])
  expect(extra.code).toBe(2)
  expect(extra.stderr.trim().split('\n')).toHaveLength(1)
  expect(extra.stderr).toContain('Unused args')
  // Every command's help says what it does.
  for (const command of ['list', 'explain', 'status', 'clear', 'prune', 'info']) {
    const help = await cli(project, [command, '--help'])
    expect(help.stdout, command).toMatch(new RegExp(`^vitest-fixture-cache/\\S+\\n\\n[A-Z][^\\n]{10,}\\n\\nUsage:\\n  \\$ vitest-fixture-cache ${command}`))
  }
  const version = await cli(project, ['--version'])
  expect(version.stdout).toContain(JSON.parse(readFileSync(join(inject('sandbox'), 'node_modules/vitest-fixture-cache/package.json'), 'utf8')).version)
  expect(version.stdout).not.toContain('Usage')
})

const configWithDir = (dir: string) => `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [[fixtureCache({ dir: ${dir} })]] })
`

it('finds the dir the plugin uses in the Vitest config, or in the one --config names', async () => {
  const project = Project.create({ 'test/a.test.ts': FIXTURES, 'vitest.config.ts': configWithDir(`'.fixtures'`) })
  await runOk(project)
  expect(project.cacheEntries('.fixtures')).toHaveLength(2)
  expect((await cli(project, ['info'])).stdout).toContain(`dir             ${join(project.dir, '.fixtures')}`)
  expect((await cli(project, ['list', '--json'])).stdout).toContain('"corpus"')

  // A dir computed in the config is seen too: the config is loaded, not read as text.
  project.write('other.config.ts', configWithDir(`['.fix', 'tures'].join('')`))
  project.write('vitest.config.ts', configWithDir(`'.elsewhere'`))
  expect((await cli(project, ['info', '--config', 'other.config.ts'])).stdout).toMatch(/entries\s+2/)
  const missing = await cli(project, ['info', '--config', 'missing.config.ts'])
  expect(missing.code).toBe(2)
  expect(missing.stderr).toContain('cannot load missing.config.ts: no such file')

  // A broken config does not block the CLI: it says so and uses the default dir.
  project.write('vitest.config.ts', 'export default {{')
  const broken = await cli(project, ['info'])
  expect(broken.stderr).toContain('cannot load the Vitest config')
  expect(broken.stderr).toContain('no fixture cache at')
})
