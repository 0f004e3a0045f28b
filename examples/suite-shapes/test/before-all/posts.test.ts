import { expect, test } from 'vitest'
import { useSeededDatabase } from './seeded-database'

const db = useSeededDatabase()
const count = async (where = 'true'): Promise<number> =>
  (await db().query<{ count: number }>(`SELECT count(*)::int AS count FROM posts WHERE ${where}`)).rows[0]!.count

test('counts the published posts', async () => {
  expect(await count('published')).toBe(6666)
})

test('deletes an author\'s posts inside its transaction', async () => {
  await db().exec('DELETE FROM posts WHERE author_id = 1')
  expect(await count()).toBe(19_900)
})

test('still sees every post after the rollback', async () => {
  expect(await count()).toBe(20_000)
})
