import { expect, test } from 'vitest'
import { useSeededDatabase } from './seeded-database'

const db = useSeededDatabase()

test('every author has a hundred posts', async () => {
  const { rows } = await db().query<{ posts: number }>('SELECT count(*)::int AS posts FROM posts GROUP BY author_id')
  expect(rows).toHaveLength(200)
  expect(new Set(rows.map(row => row.posts))).toEqual(new Set([100]))
})

test('renames an author in this file\'s own copy', async () => {
  await db().exec(`UPDATE authors SET name = 'renamed' WHERE id = 1`)
  const { rows } = await db().query<{ name: string }>('SELECT name FROM authors WHERE id = 1')
  expect(rows[0]!.name).toBe('renamed')
})
