import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { expect, it } from 'vitest'
import { Project } from '../helpers/project.js'

const TYPED = `
import { test as base, expectTypeOf } from 'vitest'
import { cached, cachedDir, cachedValue } from 'vitest-fixture-cache'

interface Doc { id: number, text: string }
declare function load(): Doc[]

const rows = cachedValue('rows', async () => [{ id: 1 }], { key: 'v1', env: 'SEED' })
expectTypeOf(rows).toEqualTypeOf<Promise<{ id: number }[]>>()
// @ts-expect-error cachedValue has no fixture scope
void cachedValue('scoped', async () => 1, { scope: 'file' })
expectTypeOf(cachedDir('tree', async ({ dir }) => { expectTypeOf(dir).toEqualTypeOf<string>() })).toEqualTypeOf<Promise<string>>()

const test = base.extend({
  seed: 1,
  docs: cached(async () => load()),
  byWord: cached(async () => ({}) as Record<string, number[]>),
  pair: cached(async () => [1, 'a'] as [number, string]),
  either: cached(async () => (Math.random() > 0.5 ? 'a' : 2) as 'a' | 2),
  nested: cached(async () => ({ a: { b: [1, 2] }, c: 'x' })),
  db: cached(async () => new Map<string, number>(), { scope: 'file' }),
  // upstream fixtures are typed inside the factory, without an annotation
  doubledSeed: cached(async ({ seed }) => { expectTypeOf(seed).toEqualTypeOf<number>(); return seed * 2 }),
  tree: cachedDir(async ({ dir, seed }) => { expectTypeOf(dir).toEqualTypeOf<string>(); expectTypeOf(seed).toEqualTypeOf<number>() }),
}).extend('count', cached(async ({ docs, byWord }) => {
  expectTypeOf(docs).toEqualTypeOf<Doc[]>()
  expectTypeOf(byWord).toEqualTypeOf<Record<string, number[]>>()
  return docs.length * 2
}))
  .extend('shared', { scope: 'worker' }, cached(async () => new Set([1])))

// the builder form takes its scope from Vitest's options, not from cached()'s
// @ts-expect-error a scoped cached() is the object form's [fixture, options] tuple
base.extend('misplaced', cached(async () => 1, { scope: 'file' }))

test('types', ({ docs, byWord, pair, either, nested, db, doubledSeed, tree, count, shared }) => {
  expectTypeOf(docs).toEqualTypeOf<Doc[]>()
  expectTypeOf(byWord).toEqualTypeOf<Record<string, number[]>>()
  expectTypeOf(pair).toEqualTypeOf<[number, string]>()
  expectTypeOf(either).toEqualTypeOf<'a' | 2>()
  expectTypeOf(nested).toEqualTypeOf<{ a: { b: number[] }, c: string }>()
  expectTypeOf(db).toEqualTypeOf<Map<string, number>>()
  expectTypeOf(doubledSeed).toEqualTypeOf<number>()
  expectTypeOf(tree).toEqualTypeOf<string>()
  expectTypeOf(count).toEqualTypeOf<number>()
  expectTypeOf(shared).toEqualTypeOf<Set<number>>()
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

  // The same check fails when a type is wrong: the assertions above are not vacuous.
  project.edit('test/typed.test.ts', 'expectTypeOf(docs).toEqualTypeOf<Doc[]>()\n  expectTypeOf(byWord)', 'const wrong: string = docs.length\n  expectTypeOf(byWord)')
  const failure = await promisify(execFile)(tsc, ['-p', '.'], { cwd: project.dir }).catch((error: { stdout: string }) => error)
  expect('stdout' in failure && failure.stdout).toContain(`Type 'number' is not assignable to type 'string'`)
})
