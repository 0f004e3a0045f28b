// `npm run demo`: runs the corpus-search example twice from an empty cache and shows what the cache saved.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { prepareExample, runExample } from './prepare-example.mjs'

const example = prepareExample('corpus-search', 'demo')
// Each factory appends its name here. The factories read DEMO_BUILD_LOG while they build, which
// makes it one of their inputs: its value stays the same from run to run, the file is emptied.
const buildLog = join(example, 'node_modules/.demo/builds.log')
mkdirSync(dirname(buildLog), { recursive: true })

function run(label) {
  writeFileSync(buildLog, '')
  const { seconds, output, tests } = runExample(example, label, [], { DEMO_BUILD_LOG: buildLog })
  const builds = existsSync(buildLog) ? readFileSync(buildLog, 'utf8').split('\n').filter(Boolean) : []
  console.log(`${label.padEnd(5)} run: ${seconds.toFixed(1).padStart(5)} s  ${String(builds.length).padStart(2)} fixture builds ${builds.length ? `(${builds.join(', ')})` : '            '}  tests: ${tests}`)
  // What the plugin itself reported for the run.
  console.log(`           ${output.match(/fixture cache: .*/)?.[0] ?? ''}`)
  return { seconds, builds: builds.length }
}

console.log('vitest-fixture-cache demo: examples/corpus-search')
console.log('fixtures: corpus (100,000 generated documents) and index (BM25 inverted index), each cached()\n')
const cold = run('cold')
const warm = run('warm')
const reused = warm.builds === 0 ? 'reused every fixture' : `built ${warm.builds} fixture(s) again`
console.log(`\nThe warm run ${reused} and took ${(warm.seconds / cold.seconds * 100).toFixed(0)}% of the cold run's time (${(cold.seconds / warm.seconds).toFixed(1)}x faster).`)
