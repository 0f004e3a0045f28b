// The cold-run convoy (issue: waiters filing through the lock one poll apart): 8 test files
// sharing one cached fixture (~1.9 s to build, ~5 MB of records), 8 workers, files in parallel.
// Goals: (cold − floor) / build ≤ 1.15, with the build timed inside the factory; warm / floor ≤ 1.15.
// The floor is the same suite with the fixture a constant. Variants interleaved; the ratios are
// medians of each round's ratio (the machine's speed drifts between rounds, not within one).
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { median, pairedRatio, PLAIN_CONFIG, PLUGIN_CONFIG, project, sandbox, timeRun } from './lib.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const FILES = 8
const PARALLEL = `{ maxWorkers: ${FILES}, fileParallelism: true }`
const withTestOptions = (config, options) => config.replace('defineConfig({', `defineConfig({ test: ${options},`)

const records = `Array.from({ length: 50_000 }, (_, id) => ({ id, name: 'record-' + id, tags: ['a', 'b', String(id % 7)], score: id / 3 }))`

const CACHED = `
import { writeFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  records: cached(async () => {
    const started = performance.now()
    const until = Date.now() + 1800
    while (Date.now() < until) {}
    const value = ${records}
    writeFileSync('build-ms.txt', String(performance.now() - started))
    return value
  }, { scope: 'file' }),
})
`

const CONSTANT = `
import { test as base } from 'vitest'
export const test = base.extend({
  records: [async ({}, use) => use(${records}), { scope: 'file' }],
})
`

const users = Object.fromEntries(Array.from({ length: FILES }, (_, index) => [`test/t${index}.test.ts`, `
import { expect } from 'vitest'
import { test } from './fixtures'
test('reads the records', ({ records }) => { expect(records).toHaveLength(50_000) })
`]))

export function run() {
  const box = sandbox()
  try {
    const cachedDir = project(box.root, 'convoy-cached', { 'vitest.config.ts': withTestOptions(PLUGIN_CONFIG, PARALLEL), 'test/fixtures.ts': CACHED, ...users })
    const floorDir = project(box.root, 'convoy-floor', { 'vitest.config.ts': withTestOptions(PLAIN_CONFIG, PARALLEL), 'test/fixtures.ts': CONSTANT, ...users })
    timeRun(floorDir) // warm up the file system and Vite's own caches
    const times = { cold: [], warm: [], floor: [], build: [] }
    for (let round = 0; round < ROUNDS; round++) {
      rmSync(join(cachedDir, 'node_modules/.cache/vitest-fixture-cache'), { recursive: true, force: true })
      times.cold.push(timeRun(cachedDir).seconds)
      times.build.push(Number(readFileSync(join(cachedDir, 'build-ms.txt'), 'utf8')) / 1000)
      times.warm.push(timeRun(cachedDir).seconds)
      times.floor.push(timeRun(floorDir).seconds)
    }
    const [cold, warm, floor, build] = [times.cold, times.warm, times.floor, times.build].map(median)
    const convoy = median(times.cold.map((coldSeconds, round) => (coldSeconds - times.floor[round]) / times.build[round]))
    const warmRatio = pairedRatio(times.warm, times.floor)
    return [
      {
        benchmark: `${FILES} files, ${FILES} workers, 1.9 s fixture of 5 MB: (cold − floor) / build`,
        measured: `${(cold - floor).toFixed(2)} s`,
        baseline: `${build.toFixed(2)} s`,
        ratio: Number(convoy.toFixed(3)),
        goal: '≤ 1.15',
        met: convoy <= 1.15,
      },
      {
        benchmark: `${FILES} files, ${FILES} workers, 1.9 s fixture of 5 MB: warm cache / constant fixture (floor)`,
        measured: `${warm.toFixed(2)} s`,
        baseline: `${floor.toFixed(2)} s`,
        ratio: Number(warmRatio.toFixed(3)),
        goal: '≤ 1.15',
        met: warmRatio <= 1.15,
      },
    ]
  }
  finally {
    box.remove()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(run())
