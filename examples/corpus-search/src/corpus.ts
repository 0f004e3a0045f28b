// A synthetic document collection, generated deterministically from a seed.

export interface Document {
  id: number
  title: string
  body: string
  tags: string[]
}

const SYLLABLES = ['ka', 'lo', 'mi', 'ten', 'ra', 'so', 'vu', 'ne', 'dor', 'pli', 'an', 'ex', 'qua', 'zi', 'mor', 'et']

/** mulberry32: a tiny seeded PRNG, so every run generates the same corpus. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function vocabulary(size: number, next: () => number): string[] {
  const words = new Set<string>()
  while (words.size < size) {
    const length = 2 + Math.floor(next() * 3)
    let word = ''
    for (let index = 0; index < length; index++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)]
    words.add(word)
  }
  return [...words]
}

export function generateCorpus(count: number, seed = 7): Document[] {
  const next = random(seed)
  const words = vocabulary(20_000, next)
  // Zipf-like: a few words are everywhere, most are rare.
  const pick = () => words[Math.floor(words.length * next() ** 3)]!
  const documents: Document[] = []
  for (let id = 0; id < count; id++) {
    const body = Array.from({ length: 20 + Math.floor(next() * 30) }, pick).join(' ')
    documents.push({ id, title: `${pick()} ${pick()}`, body, tags: [pick(), pick()] })
  }
  return documents
}
