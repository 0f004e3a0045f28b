import { PGlite } from '@electric-sql/pglite'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { cachedDir } from 'vitest-fixture-cache'
import { migrateAndSeed } from '../../src/database.js'

/**
 * The suite's own helper, as it was before the cache: one database per file, opened in
 * `beforeAll`, each test in a transaction rolled back after it. Only where the seeded data comes
 * from changed: `cachedDir` migrates and seeds once, and each call gets its own copy of the data
 * dir, so what one file writes no other file sees.
 */
export function useSeededDatabase(): () => PGlite {
  let db: PGlite
  beforeAll(async () => {
    db = new PGlite(await cachedDir('seeded-database', async ({ dir }) => migrateAndSeed(dir)))
  })
  afterAll(async () => db.close())
  beforeEach(async () => { await db.exec('BEGIN') })
  afterEach(async () => { await db.exec('ROLLBACK') })
  return () => db
}
