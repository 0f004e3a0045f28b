// Hundreds of cached fixtures (issue: a per-fixture cost that stays near zero as suites grow):
// N cached fixtures with tiny values and trivial factories in one module, each used by every one
// of 4 test files, against the same suite with plain fixtures (the floor). Default testTimeout.
// Goals at N = 300 and 1,000: warm overhead ≤ 0.5 ms per fixture use, cold ≤ 3 ms per fixture.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { median, PLAIN_CONFIG, PLUGIN_CONFIG, project, sandbox, timeRun } from './lib.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const SIZES = (process.env.BENCH_SCALING ?? '10,100,300,1000').split(',').map(Number)
const FILES = 4

const fixtures = (n, wrap) => `
import { test as base } from 'vitest'
${wrap === 'cached' ? `import { cached } from 'vitest-fixture-cache'` : ''}
export const test = base.extend({
${Array.from({ length: n }, (_, i) => wrap === 'cached'
  ? `  f${i}: cached(async () => ({ id: ${i}, label: 'fixture ${i}' })),`
  : `  f${i}: async ({}, use) => use({ id: ${i}, label: 'fixture ${i}' }),`).join('\n')}
})
`

const users = n => Object.fromEntries(Array.from({ length: FILES }, (_, file) => [`test/t${file}.test.ts`, `
import { expect } from 'vitest'
import { test } from './fixtures'
test('uses every fixture', ({ ${Array.from({ length: n }, (_, i) => `f${i}`).join(', ')} }) => {
  expect([${Array.from({ length: n }, (_, i) => `f${i}.id`).join(', ')}].length).toBe(${n})
})
`]))

export function run() {
  const box = sandbox()
  try {
    return SIZES.flatMap((n) => {
      const cachedDir = project(box.root, `scaling-${n}-cached`, { 'vitest.config.ts': PLUGIN_CONFIG, 'test/fixtures.ts': fixtures(n, 'cached'), ...users(n) })
      const floorDir = project(box.root, `scaling-${n}-floor`, { 'vitest.config.ts': PLAIN_CONFIG, 'test/fixtures.ts': fixtures(n, 'plain'), ...users(n) })
      timeRun(floorDir) // warm up the file system and Vite's own caches
      const times = { cold: [], warm: [], floor: [] }
      for (let round = 0; round < ROUNDS; round++) {
        rmSync(join(cachedDir, 'node_modules/.cache/vitest-fixture-cache'), { recursive: true, force: true })
        times.cold.push(timeRun(cachedDir).seconds)
        times.warm.push(timeRun(cachedDir).seconds)
        times.floor.push(timeRun(floorDir).seconds)
      }
      const [cold, warm, floor] = [times.cold, times.warm, times.floor].map(median)
      // Each round's own difference: the machine's speed drifts between rounds, not within one.
      const coldPerFixture = median(times.cold.map((seconds, round) => (seconds - times.floor[round]) * 1000 / n))
      const warmPerUse = median(times.warm.map((seconds, round) => (seconds - times.floor[round]) * 1000 / (n * FILES)))
      const goals = n >= 300
      return [
        {
          benchmark: `${n} tiny cached fixtures × ${FILES} files: cold − floor, per fixture`,
          measured: `${cold.toFixed(2)} s`,
          baseline: `${floor.toFixed(2)} s`,
          ratio: Number(coldPerFixture.toFixed(2)),
          goal: goals ? '≤ 3 ms' : '',
          ...goals ? { met: coldPerFixture <= 3 } : {},
        },
        {
          benchmark: `${n} tiny cached fixtures × ${FILES} files: warm − floor, per fixture use`,
          measured: `${warm.toFixed(2)} s`,
          baseline: `${floor.toFixed(2)} s`,
          ratio: Number(warmPerUse.toFixed(3)),
          goal: goals ? '≤ 0.5 ms' : '',
          ...goals ? { met: warmPerUse <= 0.5 } : {},
        },
      ]
    })
  }
  finally {
    box.remove()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(run())
