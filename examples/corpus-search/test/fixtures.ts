import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { generateCorpus } from '../src/corpus'
import { buildIndex } from '../src/search-index'

// The demo counts builds through this side effect; a real suite would not need it.
function recordBuild(name: string): void {
  if (process.env.DEMO_BUILD_LOG) appendFileSync(process.env.DEMO_BUILD_LOG, `${name}\n`)
}

export const test = base.extend({
  // 100,000 documents: a few seconds to generate and index, a fraction of that to load.
  corpus: cached(async () => {
    recordBuild('corpus')
    return generateCorpus(100_000)
  }, { scope: 'worker' }),

  index: cached(async ({ corpus }) => {
    recordBuild('index')
    return buildIndex(corpus)
  }, { scope: 'worker' }),
})
