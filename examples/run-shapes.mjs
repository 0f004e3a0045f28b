// `npm run demo:shapes`: suites that build their state outside `test.extend` (examples/suite-shapes):
// a database opened in `beforeAll`, accounts prepared in `globalSetup`, a large read-only index.
// Each shape runs with the cache off, then cold, then warm, from an empty cache.
import { prepareExample, runExample } from './prepare-example.mjs'

const example = prepareExample('suite-shapes', 'demo:shapes')
const shapes = [
  ['before-all', 'PGlite database migrated + 20,000 posts, opened in beforeAll (cachedDir, a copy per file)'],
  ['global-setup', '100 accounts with PBKDF2 password hashes, prepared in globalSetup (cachedValue + provide)'],
  ['read-only-index', '12 MB inverted index read by 21 tests (cached, frozen: one shared copy per file)'],
]

console.log('vitest-fixture-cache: suite shapes (examples/suite-shapes)\n')
for (const [project, what] of shapes) {
  console.log(`${project}: ${what}`)
  for (const [label, env] of [['off', { FIXTURE_CACHE: 'off' }], ['cold', {}], ['warm', {}]]) {
    const { seconds, output, tests } = runExample(example, `${project} ${label}`, ['--project', project], env)
    const summary = output.match(/fixture cache( off)?: .*/)?.[0] ?? ''
    console.log(`  ${label.padEnd(4)} ${seconds.toFixed(1).padStart(5)} s  tests: ${tests.padEnd(9)} ${summary}`)
  }
  console.log('')
}
