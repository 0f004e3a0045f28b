import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync, chmodSync, mkdirSync, readdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base } from 'vitest'
import { cached, cachedDir } from 'vitest-fixture-cache'
export const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return ['alpha', 'beta']
  }),
  repo: cachedDir(async ({ dir, words }) => {
    appendFileSync('builds.log', 'repo\\n')
    mkdirSync(join(dir, 'src'))
    mkdirSync(join(dir, 'empty'))
    writeFileSync(join(dir, 'src', 'words.txt'), words.join('\\n'))
    writeFileSync(join(dir, 'run.sh'), '#!/bin/sh\\necho hi\\n')
    chmodSync(join(dir, 'run.sh'), 0o755)
    writeFileSync(join(dir, 'readonly.txt'), 'fixed')
    chmodSync(join(dir, 'readonly.txt'), 0o444)
    mkdirSync(join(dir, 'sealed'))
    writeFileSync(join(dir, 'sealed', 'inside.txt'), 'sealed')
    chmodSync(join(dir, 'sealed'), 0o555)
    symlinkSync('src/words.txt', join(dir, 'link'))
    symlinkSync(join(dir, 'src'), join(dir, 'absolute-link'))
    symlinkSync(join(realpathSync(dir), 'src', 'words.txt'), join(dir, 'real-link'))
    symlinkSync('/etc/hostname', join(dir, 'outside'))
    // Text that holds the folder's own path: each copy holds its own.
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ root: dir, words: join(dir, 'src', 'words.txt') }))
  }),
  listing: cached(async ({ repo }) => {
    appendFileSync('builds.log', 'listing\\n')
    return readdirSync(repo).sort()
  }),
})
`

const USES = `
import { appendFileSync, existsSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { test } from './fixtures'

test('gets a private, writable copy: contents, modes, links, empty folders', ({ repo, words }) => {
  appendFileSync('copies.log', repo + '\\n')
  expect(readFileSync(join(repo, 'src/words.txt'), 'utf8')).toBe(words.join('\\n'))
  expect(statSync(join(repo, 'run.sh')).mode & 0o777).toBe(0o755)
  expect(statSync(join(repo, 'readonly.txt')).mode & 0o777).toBe(0o444)
  expect(statSync(join(repo, 'sealed')).mode & 0o777).toBe(0o555)
  expect(readlinkSync(join(repo, 'link'))).toBe('src/words.txt')
  expect(readFileSync(join(repo, 'absolute-link/words.txt'), 'utf8')).toBe(words.join('\\n'))
  expect(readFileSync(join(repo, 'real-link'), 'utf8')).toBe(words.join('\\n'))
  expect(readlinkSync(join(repo, 'outside'))).toBe('/etc/hostname')
  expect(readdirSync(join(repo, 'empty'))).toEqual([])
  const config = JSON.parse(readFileSync(join(repo, 'config.json'), 'utf8'))
  expect(config.root).toBe(repo)
  expect(readFileSync(config.words, 'utf8')).toBe(words.join('\\n'))
  writeFileSync(join(repo, 'src/words.txt'), 'changed by a test')
  rmSync(join(repo, 'run.sh'))
})

test('the next test gets its own copy, untouched by the last', ({ repo, listing, words }) => {
  appendFileSync('copies.log', repo + '\\n')
  expect(readFileSync(join(repo, 'src/words.txt'), 'utf8')).toBe(words.join('\\n'))
  expect(existsSync(join(repo, 'run.sh'))).toBe(true)
  expect(listing).toEqual(['absolute-link', 'config.json', 'empty', 'link', 'outside', 'readonly.txt', 'real-link', 'run.sh', 'sealed', 'src'])
})
`

describe('cachedDir', () => {
  it('stores a folder once and gives every use its own fresh copy, removed after it', async () => {
    const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': USES, 'test/b.test.ts': USES })
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['listing', 'repo', 'words'])
    const warm = await runOk(project)
    // The copy's path is new each time; what dependents chain on is what the folder holds.
    expect(project.takeBuilds()).toEqual([])
    expect(warm.output).toMatch(/3 reused/)
    const copies = project.read('copies.log').split('\n').filter(Boolean)
    expect(new Set(copies).size).toBe(copies.length)
    expect(copies.filter(existsSync)).toEqual([])

    // On disk (no memory file system, or FIXTURE_CACHE_COPY_DIR): each use's copy is cloned from
    // the worker's restored one; the same files, modes and links, nothing left behind.
    const copyDir = join(project.dir, 'copies')
    mkdirSync(copyDir)
    writeFileSync(join(project.dir, 'copies.log'), '')
    await runOk(project, [], { FIXTURE_CACHE_COPY_DIR: copyDir })
    expect(project.takeBuilds()).toEqual([])
    expect(project.read('copies.log').split('\n').filter(Boolean).every(copy => copy.startsWith(copyDir))).toBe(true)
    expect(readdirSync(copyDir)).toEqual([])

    // Built again, it is the same snapshot, whatever folder it was built in.
    await runOk(project, [], { FIXTURE_CACHE: 'verify' })
    expect(project.takeBuilds()).toEqual(['listing', 'repo', 'words'])
    // Also in a folder reached through a link (macOS's /var is /private/var), where the factory
    // links to the folder's real path: each copy's link still points into that copy.
    const linked = join(project.dir, 'linked-copies')
    symlinkSync(copyDir, linked)
    await runOk(project, [], { FIXTURE_CACHE_COPY_DIR: linked, FIXTURE_CACHE: 'verify' })
    expect(project.takeBuilds()).toEqual(['listing', 'repo', 'words'])

    // With the cache off, each use still gets a folder of its own.
    await runOk(project, [], { FIXTURE_CACHE: 'off' })
    expect(project.takeBuilds().filter(name => name === 'repo')).toHaveLength(4)

    // An upstream value changed: the folder is built again, and its dependents too.
    project.edit('test/fixtures.ts', `return ['alpha', 'beta']`, `return ['alpha', 'beta', 'gamma']`)
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['listing', 'repo', 'words'])
  })

  it('in the builder form with scope: file, a copy per file, shared by its tests, removed after the file', async () => {
    const user = `
import { appendFileSync, writeFileSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cachedDir } from 'vitest-fixture-cache'
const test = base.extend('tree', cachedDir(async ({ dir }) => {
  appendFileSync('builds.log', 'tree\\n')
  writeFileSync(join(dir, 'count.txt'), '0')
}, { scope: 'file' }))
test('first test of the file writes', ({ tree }) => {
  appendFileSync('copies.log', tree + '\\n')
  writeFileSync(join(tree, 'count.txt'), '1')
})
test('second test of the file sees it', ({ tree }) => {
  appendFileSync('copies.log', tree + '\\n')
  expect(readFileSync(join(tree, 'count.txt'), 'utf8')).toBe('1')
})
`
    const project = Project.create({ 'test/a.test.ts': user, 'test/b.test.ts': user })
    await runOk(project)
    // Defined in each test file: one fixture per module.
    expect(project.takeBuilds()).toEqual(['tree', 'tree'])
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
    const copies = project.read('copies.log').split('\n').filter(Boolean)
    expect(copies).toHaveLength(8)
    expect(new Set(copies).size).toBe(4)
    expect(copies.filter(existsSync)).toEqual([])
  })

  it('cachedDir(\'name\', factory) at a test file\'s top level and in a hook: built once, a copy per call, gone after the run', async () => {
    const helper = `
import { appendFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cachedDir } from 'vitest-fixture-cache'
export const seeded = () => cachedDir('seeded', async ({ dir }) => {
  appendFileSync('builds.log', 'seeded\\n')
  writeFileSync(join(dir, 'rows.txt'), 'a\\nb')
}, { key: 'v1' })
`
    const user = `
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import { seeded } from './seeded'
const atTop = await seeded()
let inHook: string
beforeAll(async () => { inHook = await seeded() })
test('each call has its own copy', () => {
  appendFileSync('copies.log', atTop + '\\n' + inHook + '\\n')
  expect(atTop).not.toBe(inHook)
  writeFileSync(join(atTop, 'rows.txt'), 'changed')
  expect(readFileSync(join(inHook, 'rows.txt'), 'utf8')).toBe('a\\nb')
})
`
    const project = Project.create({ 'test/seeded.ts': helper, 'test/a.test.ts': user, 'test/b.test.ts': user })
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['seeded'])
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
    const copies = project.read('copies.log').split('\n').filter(Boolean)
    expect(new Set(copies).size).toBe(8)
    expect(copies.filter(existsSync)).toEqual([])
  })

  it('gives a value that holds the path of the folder copy it received each use\'s own copy, on a miss and on a hit', async () => {
    const project = Project.create({
      'test/a.test.ts': `
import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cached, cachedDir } from 'vitest-fixture-cache'
const test = base.extend({
  repo: cachedDir(async ({ dir }) => {
    appendFileSync('builds.log', 'repo\\n')
    writeFileSync(join(dir, 'a.txt'), 'a')
  }),
  layout: cached(async ({ repo }) => {
    appendFileSync('builds.log', 'layout\\n')
    return { root: repo, files: readdirSync(repo).map(name => join(repo, name)), note: \`cd \${repo} && ls\` }
  }),
  packed: cached(async ({ repo }) => new Map([['root', repo]])),
})
for (const name of ['first', 'second']) {
  test(name, ({ repo, layout }) => {
    expect(layout).toEqual({ root: repo, files: [join(repo, 'a.txt')], note: \`cd \${repo} && ls\` })
    expect(existsSync(layout.files[0]!)).toBe(true)
  })
}
for (const name of ['third', 'fourth']) {
  test(name, ({ repo, packed }) => { expect(packed.get('root')).toBe(repo) })
}
`,
    })
    const cold = await runOk(project)
    expect(project.takeBuilds()).toEqual(['layout', 'repo'])
    expect(cold.stdout).toContain('packed: not stored: its value holds the path of the copy of "repo" it received')
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })

  it('rebuilds a damaged snapshot, never serves it', async () => {
    const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': USES })
    await runOk(project)
    project.takeBuilds()
    const cache = join(project.dir, 'node_modules/.cache/vitest-fixture-cache')
    const entry = project.cacheEntries().map(path => join(cache, path)).find(path => readFileSync(path).includes('vitest-fixture-cache dir 1'))!
    const bytes = readFileSync(entry)
    bytes[bytes.length - 3]! ^= 0x20
    writeFileSync(entry, bytes)
    const result = await runOk(project)
    expect(project.takeBuilds()).toEqual(['repo'])
    expect(result.output).toMatch(/damaged/)
  })

  it('stores nothing when its factory throws, and refuses what it cannot restore, naming the path', async () => {
    const project = Project.create({
      'test/a.test.ts': `
import { execFileSync } from 'node:child_process'
import { linkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base, expect } from 'vitest'
import { cachedDir } from 'vitest-fixture-cache'
const test = base.extend({
  broken: cachedDir(async ({ dir }) => {
    writeFileSync(join(dir, 'half.txt'), 'half')
    throw new Error('seeding failed halfway')
  }),
  linked: cachedDir(async ({ dir }) => {
    writeFileSync(join(dir, 'one.txt'), 'x')
    linkSync(join(dir, 'one.txt'), join(dir, 'two.txt'))
  }),
  piped: cachedDir(async ({ dir }) => {
    execFileSync('mkfifo', [join(dir, 'events')])
  }),
})
test('broken', ({ broken }) => { expect(broken).toBeDefined() })
test('linked', ({ linked }) => { expect(linked).toBeDefined() })
test('piped', ({ piped }) => { expect(piped).toBeDefined() })
`,
    })
    const result = await project.run()
    expect(result.code).toBe(1)
    expect(result.output).toContain('seeding failed halfway')
    expect(result.output).toMatch(/cachedDir\(\) "linked" \(test\/a\.test\.ts\): (one|two)\.txt is a hard link/)
    expect(result.output).toMatch(/cachedDir\(\) "piped" \(test\/a\.test\.ts\): events is a named pipe, which a snapshot cannot restore/)
    expect(project.cacheEntries()).toEqual([])
  })
})
