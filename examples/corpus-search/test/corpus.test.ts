import { expect } from 'vitest'
import { test } from './fixtures'

test('has 100,000 documents with ids in order', ({ corpus }) => {
  expect(corpus).toHaveLength(100_000)
  expect(corpus.every((document, position) => document.id === position)).toBe(true)
})

test('every document has a title, a body and two tags', ({ corpus }) => {
  for (const document of corpus.slice(0, 1000)) {
    expect(document.title.split(' ')).toHaveLength(2)
    expect(document.body.length).toBeGreaterThan(0)
    expect(document.tags).toHaveLength(2)
  }
})
