import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { digest } from '../../src/shared/digest.js'
import { composeKey, explainChange } from '../../src/shared/key.js'

describe('composeKey', () => {
  const inputs = [{ name: 'factory', digest: 'a' }, { name: 'node', digest: 'v20' }, { name: 'env SEED', digest: 'b' }]

  it('does not depend on the order of inputs', () => {
    expect(composeKey([...inputs].reverse())).toBe(composeKey(inputs))
  })

  it('changes when any input is added, removed or changed', () => {
    const keys = new Set([
      composeKey(inputs),
      composeKey(inputs.slice(1)),
      composeKey([...inputs, { name: 'key', digest: 'c' }]),
      composeKey([{ name: 'factory', digest: 'z' }, ...inputs.slice(1)]),
      // A digest moved to another name is a different key.
      composeKey([{ name: 'factory', digest: 'v20' }, { name: 'node', digest: 'a' }, inputs[2]!]),
    ])
    expect(keys.size).toBe(5)
  })
})

describe('explainChange', () => {
  it('names what changed, was added or removed', () => {
    const before = [{ name: 'factory', digest: 'a' }, { name: 'env SEED', digest: 'b' }]
    const after = [{ name: 'factory', digest: 'x' }, { name: 'key', digest: 'k' }]
    expect(explainChange(before, after)).toBe('factory changed, key added, env SEED removed')
  })
})

describe('digest', () => {
  it('hashes text parts as the same bytes as byte parts: keys stay what they were', () => {
    const parts = ['ab', 'c', 'é ✓ 𝄞', '\uD800 lone surrogate', '']
    expect(digest(...parts)).toBe(digest(...parts.map(part => Buffer.from(part))))
    expect(digest('ab', 'c')).toBe(createHash('sha256').update('2:ab1:c').digest('hex'))
    expect(digest('ab', 'c')).not.toBe(digest('a', 'bc'))
  })
})
