// `npm run demo:dirs`: the folder fixtures example (a PGlite database, a SQLite file, a git
// repository with 500 commits), cold then warm, from an empty cache.
import { prepareExample, runExample } from './prepare-example.mjs'

const example = prepareExample('directories', 'demo:dirs')

function run(label) {
  const { seconds, output, tests } = runExample(example, label, ['--reporter=verbose'])
  console.log(`${label.padEnd(5)} run: ${seconds.toFixed(1).padStart(5)} s  tests: ${tests}`)
  for (const line of output.split('\n').filter(line => /fixture cache: |^ {2}[✓↻✗] /.test(line))) console.log(`           ${line.trim()}`)
  return seconds
}

console.log('vitest-fixture-cache: folder fixtures (examples/directories)')
console.log('pgdata: PGlite data dir, migrated and seeded; sqlite: 100,000 rows; repository: 500 git commits\n')
const cold = run('cold')
const warm = run('warm')
console.log(`\nThe warm run took ${(warm / cold * 100).toFixed(0)}% of the cold run's time (${(cold / warm).toFixed(1)}x faster).`)
