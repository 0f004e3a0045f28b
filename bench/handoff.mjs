// Goal 2: handing a 20 MB fixture (200k small objects) to a test on a cache hit, measured inside the
// test, vs (a) readFileSync + v8.deserialize of the same bytes in a fresh process: ≤ 1.05 ×,
// and (b) memoize-fs, the nearest Node peer, handing the same value to a test on its own hit,
// measured the same way: faster. (c) For reference: JSON.parse of the value's plain JSON in a fresh process.
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { unpackTables } from '../dist/runtime/json-tables.js'
import { ENTRIES_DIR } from '../dist/store/paths.js'
import { median, PLAIN_CONFIG, PLUGIN_CONFIG, project, sandbox, timeRun } from './lib.mjs'

const RUNS = Number(process.env.BENCH_ROUNDS ?? 9)

const MAKE_VALUE = `Array.from({ length: 200_000 }, (_, index) => ({ id: index, name: 'item-' + index, score: index % 97, tags: ['a', 'b'] }))`

const MEMOIZE_FS = `
import { writeFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import memoizeFs from 'memoize-fs'
const memoizer = memoizeFs({ cachePath: 'memoize-fs-cache' })
const test = base.extend({
  items: async ({}, use) => {
    const load = await memoizer.fn(async function items() { return ${MAKE_VALUE} }, { cacheId: 'items' })
    await use(await load())
  },
})
let started = 0
test.beforeEach(() => { started = performance.now() })
test('receives the items', ({ items }) => {
  writeFileSync('handoff-ms.txt', String(performance.now() - started))
  expect(items).toHaveLength(200_000)
})
`

const FILES = {
  'vitest.config.ts': PLUGIN_CONFIG,
  'test/handoff.test.ts': `
import { writeFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({ items: cached(async () => ${MAKE_VALUE}) })
let started = 0
test.beforeEach(() => { started = performance.now() })
// The fixture is resolved between beforeEach and the test body: that span is the hand-off.
test('receives the items', ({ items }) => {
  writeFileSync('handoff-ms.txt', String(performance.now() - started))
  expect(items).toHaveLength(200_000)
})
`,
}

function fresh(script, cwd) {
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd, encoding: 'utf8' })
  if (result.status !== 0) throw new Error(result.stderr)
  return Number(result.stdout.trim())
}

export function run() {
  const box = sandbox()
  try {
    const dir = project(box.root, 'handoff', FILES)
    timeRun(dir) // builds and stores the value
    const entries = join(dir, 'node_modules/.cache/vitest-fixture-cache', ENTRIES_DIR)
    const folder = readdirSync(entries)[0]
    const entry = readFileSync(join(entries, folder, readdirSync(join(entries, folder))[0]))
    // The value as plain JSON (the cache stores these records as columns), and as v8 bytes.
    const newline = entry.indexOf(0x0A)
    const stored = JSON.parse(entry.subarray(newline + 1).toString())
    const codec = JSON.parse(entry.subarray(0, newline).toString()).codec
    writeFileSync(join(dir, 'payload.json'), JSON.stringify(codec === 'json-tables' ? unpackTables(stored) : stored))
    fresh(`
      import { readFileSync, writeFileSync } from 'node:fs'
      import { serialize } from 'node:v8'
      writeFileSync('payload.v8', serialize(JSON.parse(readFileSync('payload.json', 'utf8'))))
      console.log(0)`, dir)
    const memoizeDir = project(box.root, 'memoize-fs', { 'vitest.config.ts': PLAIN_CONFIG, 'test/handoff.test.ts': MEMOIZE_FS })
    timeRun(memoizeDir) // fills memoize-fs's cache
    const times = { handoff: [], raw: [], rawJson: [], memoize: [] }
    for (let round = 0; round < RUNS; round++) {
      timeRun(dir)
      times.handoff.push(Number(readFileSync(join(dir, 'handoff-ms.txt'), 'utf8')))
      times.raw.push(fresh(`
        import { readFileSync } from 'node:fs'
        import { deserialize } from 'node:v8'
        const started = performance.now()
        const items = deserialize(readFileSync('payload.v8'))
        if (items.length !== 200000) throw new Error('wrong value')
        console.log(performance.now() - started)`, dir))
      times.rawJson.push(fresh(`
        import { readFileSync } from 'node:fs'
        const started = performance.now()
        const items = JSON.parse(readFileSync('payload.json', 'utf8'))
        if (items.length !== 200000) throw new Error('wrong value')
        console.log(performance.now() - started)`, dir))
      timeRun(memoizeDir)
      times.memoize.push(Number(readFileSync(join(memoizeDir, 'handoff-ms.txt'), 'utf8')))
    }
    const handoff = median(times.handoff)
    return [
      row('20 MB hit handed to a test / readFileSync + v8.deserialize', handoff, median(times.raw), 1.05),
      row('20 MB hit handed to a test / memoize-fs hit handed to a test', handoff, median(times.memoize), 1),
      row('20 MB hit handed to a test / readFileSync + JSON.parse of the same value (for reference)', handoff, median(times.rawJson), undefined),
    ]
  }
  finally {
    box.remove()
  }
}

function row(benchmark, measured, baseline, goal) {
  const ratio = measured / baseline
  const met = goal === undefined ? undefined : goal === 1 ? ratio < 1 : ratio <= goal
  return { benchmark, measured: `${measured.toFixed(0)} ms`, baseline: `${baseline.toFixed(0)} ms`, ratio: Number(ratio.toFixed(3)), goal: goal === undefined ? '—' : goal === 1 ? '< 1 (faster)' : `≤ ${goal}`, met }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(run())
