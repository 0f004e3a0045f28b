import { test as base } from 'vitest'
import { cachedDir } from 'vitest-fixture-cache'
import { seedGitRepository, seedPostgres, seedSqlite } from '../src/seed.js'

// Each factory fills `dir` once; every test gets its own copy of the folder, at a path of its own.
export const test = base.extend({
  pgdata: cachedDir(async ({ dir }) => seedPostgres(dir)),
  sqlite: cachedDir(async ({ dir }) => seedSqlite(dir)),
  repository: cachedDir(async ({ dir }) => seedGitRepository(dir)),
})
