import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { Project } from '../helpers/project.js'

const TYPED = `
import { test as base, expect } from 'vitest'
import { cached, cachedValue } from 'vitest-fixture-cache'

const rows: Promise<Array<{ id: number }>> = cachedValue('rows', async () => [{ id: 1 }], { key: 'v1', env: 'SEED' })
// @ts-expect-error cachedValue has no fixture scope
void cachedValue('scoped', async () => 1, { scope: 'file' })

const test = base.extend({
  seed: 1,
  corpus: cached(async () => ({ words: ['a'], count: 1 })),
  db: cached(async () => new Map<string, number>(), { scope: 'file' }),
}).extend('doubled', cached(async ({ corpus }: { corpus: { count: number } }) => corpus.count * 2))
  .extend('shared', { scope: 'worker' }, cached(async () => new Set([1])))

test('types', ({ corpus, db, doubled, shared }) => {
  const words: string[] = corpus.words
  const count: number = doubled
  const map: Map<string, number> = db
  const set: Set<number> = shared
  // @ts-expect-error count is a number: this line proves the value type is not any.
  const wrong: string = corpus.count
  expect([words, count, map, set, wrong, rows]).toBeDefined()
})
`

it('types the fixture value from the factory in the object and the builder form', async () => {
  const project = Project.create({
    'test/typed.test.ts': TYPED,
    'tsconfig.json': JSON.stringify({
      compilerOptions: { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', noEmit: true, skipLibCheck: true, types: [] },
      include: ['test'],
    }),
  })
  const tsc = join(import.meta.dirname, '../../node_modules/.bin/tsc')
  await promisify(execFile)(tsc, ['-p', '.'], { cwd: project.dir })

  project.edit('test/typed.test.ts', 'const count: number = doubled', 'const count: string = doubled')
  const failure = await promisify(execFile)(tsc, ['-p', '.'], { cwd: project.dir }).catch((error: { stdout: string }) => error)
  expect('stdout' in failure && failure.stdout).toContain(`Type 'number' is not assignable to type 'string'`)
})
