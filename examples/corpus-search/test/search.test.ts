import { describe, expect } from 'vitest'
import { search, tokenize } from '../src/search-index'
import { test } from './fixtures'

describe('search', () => {
  test('finds documents that contain a rare word', ({ corpus, index }) => {
    const [word, posting] = [...index.postings].reduce((rarest, entry) => entry[1].ids.length < rarest[1].ids.length ? entry : rarest)
    const hits = search(index, word, posting.ids.length)
    expect(hits.map(hit => hit.id).sort((a, b) => a - b)).toEqual([...posting.ids])
    for (const hit of hits) {
      const document = corpus[hit.id]!
      expect(tokenize(`${document.title} ${document.body} ${document.tags.join(' ')}`)).toContain(word)
    }
  })

  test('ranks the best match first', ({ corpus, index }) => {
    const query = corpus[1234]!.title
    const hits = search(index, query, 5)
    expect(hits).toHaveLength(5)
    expect(hits.map(hit => hit.score)).toEqual([...hits.map(hit => hit.score)].sort((a, b) => b - a))
  })

  test('returns nothing for an unknown word', ({ index }) => {
    expect(search(index, 'xyzzy')).toEqual([])
  })
})
