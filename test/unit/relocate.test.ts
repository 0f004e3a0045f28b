import { describe, expect, it } from 'vitest'
import { decodeValue, encodeValue } from '../../src/runtime/codec.js'
import { relocatable, relocated } from '../../src/runtime/relocate.js'
import { PROJECT_FOLDER_INPUT } from '../../src/shared/recorded-check.js'

const HERE = '/home/Jane Doe/app'
const THERE = '/srv/ci/app'

/** The value as stored in one folder and read back in another, and whether its entry is tied to the first. */
function move(value: unknown, from = HERE, to = THERE): { value: unknown, pinned: boolean } {
  const { encoded, placeholder, pinned } = relocatable(encodeValue(value, 'fixture', undefined), from)
  return { value: decodeValue(relocated(encoded, placeholder, to), undefined), pinned: pinned?.name === PROJECT_FOLDER_INPUT }
}

describe('paths in values after a move', () => {
  it('gives paths and file URLs under the project back under the new folder, each in its own form', () => {
    const value = { path: `${HERE}/data/x.txt`, url: `file://${encodeURI(HERE)}/data/x.txt?raw#top`, root: HERE, list: [`${HERE}/a`, `--root=${HERE}`, `PATH=/bin:${HERE}/bin`], text: `line\n${HERE}/b` }
    expect(move(value)).toEqual({
      value: { path: `${THERE}/data/x.txt`, url: `file://${THERE}/data/x.txt?raw#top`, root: THERE, list: [`${THERE}/a`, `--root=${THERE}`, `PATH=/bin:${THERE}/bin`], text: `line\n${THERE}/b` },
      pinned: false,
    })
    expect(move({ url: `file://${THERE}/x` }, THERE, HERE).value).toEqual({ url: `file://${encodeURI(HERE)}/x` })
  })

  it('leaves what only looks like the project alone and ties the entry to the folder', () => {
    for (const text of [`/mirror${HERE}/x`, `${HERE}2/x`, `cd ${HERE} && npm test`, `file:///other${encodeURI(HERE)}/x`]) {
      expect(move({ text })).toEqual({ value: { text }, pinned: true })
    }
  })

  it('ties a value whose bytes hold the project, in either form, to the folder', () => {
    expect(move(new Map([['url', `file://${encodeURI(HERE)}/x`]])).pinned).toBe(true)
    expect(move({ bytes: Buffer.from(`${HERE}/x`) }).pinned).toBe(true)
    expect(move({ text: 'elsewhere' })).toEqual({ value: { text: 'elsewhere' }, pinned: false })
  })
})
