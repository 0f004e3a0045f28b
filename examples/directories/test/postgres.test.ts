import { PGlite } from '@electric-sql/pglite'
import { expect } from 'vitest'
import { test } from './fixtures'

// Each test opens its own copy of the seeded data dir: what one test writes, no other test sees.
test('counts the published posts', async ({ pgdata }) => {
  const db = new PGlite(pgdata)
  const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM posts WHERE published')
  expect(rows[0]!.count).toBe(6666)
  await db.close()
})

test('deletes an author\'s posts in its own copy', async ({ pgdata }) => {
  const db = new PGlite(pgdata)
  await db.exec('DELETE FROM posts WHERE author_id = 1')
  const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM posts')
  expect(rows[0]!.count).toBe(19_900)
  await db.close()
})

test('still sees every post', async ({ pgdata }) => {
  const db = new PGlite(pgdata)
  const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM posts')
  expect(rows[0]!.count).toBe(20_000)
  await db.close()
})
