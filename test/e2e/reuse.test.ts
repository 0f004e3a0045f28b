import { beforeEach, describe, expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'

export const test = base.extend({
  corpus: cached(async () => {
    appendFileSync('builds.log', 'corpus\\n')
    // Build the corpus.
    const words: string[] = ['alpha', 'beta']
    return { words, count: words.length }
  }),
  index: cached(async () => {
    appendFileSync('builds.log', 'index\\n')
    return new Map([['alpha', 1]])
  }),
})
`

const TEST = `
import { expect } from 'vitest'
import { test } from './fixtures'

test('corpus', ({ corpus }) => {
  expect(corpus).toEqual({ words: ['alpha', 'beta'], count: 2 })
})
test('index', ({ index }) => {
  expect(index.get('alpha')).toBe(1)
})
`

describe('reuse across runs', () => {
  let project: Project
  beforeEach(async () => {
    project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/a.test.ts': TEST })
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['corpus', 'index'])
  })

  it('builds nothing on the second run and serves equal values', async () => {
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })

  it('rebuilds only the fixture whose factory body changed', async () => {
    project.edit('test/fixtures.ts', `['alpha', 'beta']`, `['alpha', 'gamma']`)
    project.edit('test/a.test.ts', `['alpha', 'beta']`, `['alpha', 'gamma']`)
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['corpus'])
  })

  it('does not rebuild after a comment-only edit', async () => {
    project.edit('test/fixtures.ts', '// Build the corpus.', '// Build the corpus: two words, one count.\n    /* block */')
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })

  it('does not rebuild after a formatting-only or type-only edit', async () => {
    project.edit('test/fixtures.ts', `const words: string[] = ['alpha', 'beta']`, `const words: Array<string> = [\n      "alpha",\n      "beta",\n    ];`)
    project.edit('test/fixtures.ts', `return { words, count: words.length }`, `return {words,count:words.length};`)
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })

  it('does not rebuild when other code in the module or the test files change', async () => {
    project.append('test/fixtures.ts', `\nexport const unrelated = 1\n`)
    project.append('test/a.test.ts', `\ntest('another', () => { expect(1).toBe(1) })\n`)
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })
})
