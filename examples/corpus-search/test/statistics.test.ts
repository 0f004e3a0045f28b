import { expect } from 'vitest'
import { test } from './fixtures'

test('document lengths average between 20 and 60 tokens', ({ index }) => {
  expect(index.averageLength).toBeGreaterThan(20)
  expect(index.averageLength).toBeLessThan(60)
})

test('a handful of words appear in most documents', ({ index }) => {
  const common = [...index.postings.values()].filter(posting => posting.ids.length > 50_000)
  expect(common.length).toBeGreaterThan(0)
})
