// What the three folder fixtures are filled with: the slow part a test suite wants once.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import initSqlJs from 'sql.js'

export const MIGRATION = readFileSync(new URL('./schema.sql', import.meta.url), 'utf8')

/**
 * A PGlite database in `dir`: migrated, then seeded with 200 authors and 20,000 posts.
 * @param {string} dir
 */
export async function seedPostgres(dir) {
  const db = new PGlite(dir)
  await db.exec(MIGRATION)
  await db.exec(`INSERT INTO authors (name) SELECT 'author ' || n FROM generate_series(1, 200) n`)
  await db.exec(`INSERT INTO posts (author_id, title, body, published)
    SELECT 1 + n % 200, 'post ' || n, repeat('lorem ipsum ', 20), n % 3 = 0 FROM generate_series(1, 20000) n`)
  await db.close()
}

/**
 * A SQLite database file in `dir` with 100,000 rows (sql.js: SQLite compiled to WebAssembly).
 * @param {string} dir
 */
export async function seedSqlite(dir) {
  const SQL = await initSqlJs()
  const db = new SQL.Database()
  db.run('CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, amount REAL NOT NULL)')
  db.run('BEGIN')
  const insert = db.prepare('INSERT INTO events (kind, amount) VALUES (?, ?)')
  for (let n = 0; n < 100_000; n++) insert.run([`kind-${n % 10}`, n / 100])
  insert.free()
  db.run('COMMIT')
  writeFileSync(join(dir, 'events.db'), db.export())
  db.close()
}

/**
 * A git repository in `dir` with 500 commits, made by the git CLI.
 * @param {string} dir
 */
export function seedGitRepository(dir) {
  /** @param {...string} args */
  const git = (...args) => execFileSync('git', ['-C', dir, '-c', 'user.name=Fixture', '-c', 'user.email=fixture@example.com', '-c', 'commit.gpgsign=false', ...args], { encoding: 'utf8' })
  git('init', '--quiet', '--initial-branch=main')
  for (let n = 1; n <= 500; n++) {
    writeFileSync(join(dir, 'CHANGES.md'), `change ${n}\n`, { flag: 'a' })
    git('add', 'CHANGES.md')
    git('commit', '--quiet', '-m', `change ${n}`, '--date', `2026-01-01T00:00:${String(n % 60).padStart(2, '0')}Z`)
  }
}
