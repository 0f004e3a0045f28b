// Shape 3: a large read-only index many tests look things up in.

/** A deterministic word for a number: the same corpus on every machine. */
export function word(n) {
  let text = ''
  for (let rest = n + 1; rest > 0; rest = Math.floor(rest / 26)) text += String.fromCharCode(97 + (rest % 26))
  return text
}

/**
 * 60,000 documents of 30 words each (a 5,000-word vocabulary), and the inverted index over them:
 * for each word, the ids of the documents that hold it. Plain data: about 12 MB stored.
 * @returns {{ documents: number, postings: Record<string, number[]> }}
 */
export function buildWordIndex() {
  // xorshift32: the same pseudo-random words everywhere.
  let state = 42
  const next = () => {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    return state >>> 0
  }
  /** @type {Record<string, number[]>} */
  const postings = {}
  for (let id = 0; id < 60_000; id++) {
    const seen = new Set()
    for (let n = 0; n < 30; n++) {
      const token = word(next() % 5_000)
      if (seen.has(token)) continue
      seen.add(token)
      ;(postings[token] ??= []).push(id)
    }
  }
  return { documents: 60_000, postings }
}
