import type { Document } from './corpus'

/** An inverted index with BM25 scoring: what a search service would build at start-up. */
export interface SearchIndex {
  /** For each token, the documents that contain it and how often, in id order. */
  postings: Map<string, { ids: Uint32Array, counts: Uint16Array }>
  lengths: Uint16Array
  averageLength: number
}

export function tokenize(text: string): string[] {
  return text.toLowerCase().split(/[^a-z0-9]+/).filter(token => token.length > 1)
}

export function buildIndex(documents: Document[]): SearchIndex {
  const counting = new Map<string, Map<number, number>>()
  const lengths = new Uint16Array(documents.length)
  let total = 0
  for (const document of documents) {
    const tokens = tokenize(`${document.title} ${document.title} ${document.body} ${document.tags.join(' ')}`)
    lengths[document.id] = tokens.length
    total += tokens.length
    for (const token of tokens) {
      let posting = counting.get(token)
      if (!posting) counting.set(token, posting = new Map())
      posting.set(document.id, (posting.get(document.id) ?? 0) + 1)
    }
  }
  const postings: SearchIndex['postings'] = new Map()
  for (const [token, posting] of counting) {
    postings.set(token, { ids: Uint32Array.from(posting.keys()), counts: Uint16Array.from(posting.values()) })
  }
  return { postings, lengths, averageLength: total / Math.max(documents.length, 1) }
}

export function search(index: SearchIndex, query: string, limit = 10): Array<{ id: number, score: number }> {
  const scores = new Map<number, number>()
  const count = index.lengths.length
  for (const token of tokenize(query)) {
    const posting = index.postings.get(token)
    if (!posting) continue
    const idf = Math.log(1 + (count - posting.ids.length + 0.5) / (posting.ids.length + 0.5))
    posting.ids.forEach((id, position) => {
      const frequency = posting.counts[position]!
      const norm = frequency + 1.2 * (0.25 + 0.75 * index.lengths[id]! / index.averageLength)
      scores.set(id, (scores.get(id) ?? 0) + idf * frequency * 2.2 / norm)
    })
  }
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score || a.id - b.id).slice(0, limit)
}
