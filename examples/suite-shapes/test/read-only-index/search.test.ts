import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { buildWordIndex, word } from '../../src/word-index.js'

// A large value that tests only read: `frozen: true` shares one deep-frozen copy between this
// file's tests instead of decoding a copy of about 12 MB for each of them.
const test = base.extend({
  wordIndex: cached(async () => buildWordIndex(), { frozen: true }),
})

for (const token of Array.from({ length: 20 }, (_, n) => word(n * 250))) {
  test(`finds the documents holding "${token}"`, ({ wordIndex }) => {
    const ids = wordIndex.postings[token] ?? []
    expect(ids.length).toBeGreaterThan(0)
    expect(ids.every(id => id < wordIndex.documents)).toBe(true)
  })
}

test('the shared index cannot be changed by a test', ({ wordIndex }) => {
  expect(() => { wordIndex.postings[word(0)]!.push(-1) }).toThrow(TypeError)
})
