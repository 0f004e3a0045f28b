// Shape 1: a database the tests open in `beforeAll` (the real suite this mirrors opened PGlite at
// collection time and shared it through module-level closures and `beforeEach` hooks). The data is
// the folder fixtures example's: migrated, then 200 authors and 20,000 posts.
export { seedPostgres as migrateAndSeed } from '../../directories/src/seed.js'
