// Shape 1: a database the tests open in `beforeAll` (the real suite this mirrors opened PGlite at
// collection time and shared it through module-level closures and `beforeEach` hooks).
import { readFileSync } from 'node:fs'
import { PGlite } from '@electric-sql/pglite'

const MIGRATION = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

/**
 * Migrates a PGlite database in `dir` and seeds it with 200 authors and 20,000 posts.
 * @param {string} dir
 */
export async function migrateAndSeed(dir) {
  const db = new PGlite(dir)
  await db.exec(MIGRATION)
  await db.exec(`INSERT INTO authors (name) SELECT 'author ' || n FROM generate_series(1, 200) n`)
  await db.exec(`INSERT INTO posts (author_id, title, body, published)
    SELECT 1 + n % 200, 'post ' || n, repeat('lorem ipsum ', 20), n % 3 = 0 FROM generate_series(1, 20000) n`)
  await db.close()
}
