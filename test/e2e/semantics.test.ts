import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

function fixturesWith(scope: string): string {
  return `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  list: cached(async () => {
    appendFileSync('builds.log', 'list\\n')
    return { items: [1, 2, 3] }
  }${scope === 'test' ? '' : `, { scope: '${scope}' }`}),
  unused: cached(async () => {
    appendFileSync('builds.log', 'unused\\n')
    return 'never needed'
  }),
})
`
}

// Every test mutates what it got. Test scope: each test sees a pristine copy.
const TEST_SCOPED_USERS = `
import { expect } from 'vitest'
import { test } from './fixtures'
test('first', ({ list }) => {
  expect(list.items).toEqual([1, 2, 3])
  list.items.push(4)
})
test('second', ({ list }) => {
  expect(list.items).toEqual([1, 2, 3])
  list.items.push(5)
})
`

// File scope: shared by the tests of a file, as Vitest shares it, but never across files.
const FILE_SCOPED_USERS = `
import { expect } from 'vitest'
import { test } from './fixtures'
test('first', ({ list }) => {
  expect(list.items).toEqual([1, 2, 3])
  list.items.push(4)
})
test('second', ({ list }) => {
  expect(list.items).toEqual([1, 2, 3, 4])
})
`

const WORKER_SCOPED_USERS = `
import { expect } from 'vitest'
import { test } from './fixtures'
test('reads', ({ list }) => {
  expect(list.items.slice(0, 3)).toEqual([1, 2, 3])
})
`

const USERS: Record<string, string> = { test: TEST_SCOPED_USERS, file: FILE_SCOPED_USERS, worker: WORKER_SCOPED_USERS }

for (const scope of ['test', 'file', 'worker']) {
  it(`isolates ${scope}-scoped copies as a plain fixture would, builds once per run, and only when used`, async () => {
    const users = USERS[scope]!
    const project = Project.create({
      'test/fixtures.ts': fixturesWith(scope),
      'test/a.test.ts': users,
      'test/b.test.ts': users,
      'test/c.test.ts': users,
    })
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['list'])
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })
}

it('builds once per run even with several workers starting together', async () => {
  const files: Record<string, string> = { 'test/fixtures.ts': fixturesWith('file') }
  for (let index = 0; index < 6; index++) files[`test/t${index}.test.ts`] = FILE_SCOPED_USERS
  const project = Project.create(files)
  await runOk(project, ['--pool=threads', '--maxWorkers=3'])
  expect(project.takeBuilds()).toEqual(['list'])
})

it('fails the tests that use a throwing factory with its error, writes nothing, and tries again next run', async () => {
  const project = Project.create({
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  broken: cached(async () => {
    appendFileSync('builds.log', 'broken\\n')
    throw new Error('database seed failed: table words missing')
  }),
})
test('uses broken', ({ broken }) => { expect(broken).toBeDefined() })
test('does not use it', () => { expect(1).toBe(1) })
`,
  })
  for (let run = 0; run < 2; run++) {
    const result = await project.run()
    expect(result.code).toBe(1)
    expect(result.output).toContain('database seed failed: table words missing')
    expect(result.output).toMatch(/1 failed \| 1 passed/)
  }
  expect(project.takeBuilds()).toEqual(['broken', 'broken'])
  expect(project.cacheEntries()).toEqual([])
})

it('points a factory\'s error at its own line and column, after what the plugin inserted before it on the line', async () => {
  // Both calls on one line: the plugin inserts its argument into the first, before the second's code.
  // JavaScript: a TypeScript transform would print each call on a line of its own first.
  const line = `const test = base.extend({ first: cached(async () => 1, { name: 'first' }), second: cached(async ({ first }) => { if (first) throw new Error('seed failed') ; return 2 }) })`
  const project = Project.create({
    'test/a.test.js': `import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
${line}
test('uses second', ({ second }) => { expect(second).toBe(2) })
`,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  // V8 names the \`new\` of the thrown error; columns count from 1.
  expect(result.output).toContain(`test/a.test.js:3:${line.indexOf('new Error') + 1}`)
})

it('points a factory\'s error at its own line and column when each call ends its line (the plugin then keeps the source map as it is)', async () => {
  const line = `  second: cached(async ({ first }) => { if (first) throw new Error('seed failed') ; return 2 }),`
  const project = Project.create({
    'test/a.test.js': `import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  first: cached(async () => 1, { name: 'first' }), // the first fixture
${line}
})
test('uses second', ({ second }) => { expect(second).toBe(2) })
`,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  expect(result.output).toContain(`test/a.test.js:5:${line.indexOf('new Error') + 1}`)
})
