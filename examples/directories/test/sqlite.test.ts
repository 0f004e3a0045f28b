import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import initSqlJs from 'sql.js'
import { expect } from 'vitest'
import { test } from './fixtures'

test('sums the events of one kind', async ({ sqlite }) => {
  const SQL = await initSqlJs()
  const db = new SQL.Database(readFileSync(join(sqlite, 'events.db')))
  const [result] = db.exec(`SELECT count(*), round(sum(amount)) FROM events WHERE kind = 'kind-3'`)
  expect(result!.values[0]).toEqual([10_000, 4_999_800])
  db.close()
})
