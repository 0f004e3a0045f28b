import { describe, expect, it } from 'vitest'
import { decodeValue, encodeValue } from '../../src/runtime/codec.js'
import { relocatable, relocated, withFolderPlaceholders, withFolders } from '../../src/runtime/relocate.js'
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

describe('paths of received folder copies in values', () => {
  const COPY = '/dev/shm/vfc-dir-repo-abc123'
  const encode = (value: unknown) => encodeValue(value, 'fixture', undefined)

  it('stores the fixture\'s name in their place and gives each use its own copy', () => {
    const { encoded, folders, unstorable } = withFolderPlaceholders(encode({ root: COPY, file: `${COPY}/a.txt`, url: `file://${COPY}/a.txt`, command: `cd ${COPY} && ls` }), [['repo', COPY]])
    expect(unstorable).toBeUndefined()
    const next = '/tmp/vfc-dir-repo-xyz789'
    expect(decodeValue(withFolders(encoded, folders, { repo: next }), undefined)).toEqual({ root: next, file: `${next}/a.txt`, url: `file://${next}/a.txt`, command: `cd ${next} && ls` })
  })

  it('stores nothing that holds one inside a longer name', () => {
    expect(withFolderPlaceholders(encode({ other: `${COPY}4` }), [['repo', COPY]]).unstorable).toMatch(/inside a longer name/)
    expect(withFolderPlaceholders(encode({ other: `/mirror${COPY}` }), [['repo', COPY]]).unstorable).toMatch(/inside a longer name/)
  })

  it('stores nothing whose bytes hold one, as text beside typed arrays too', () => {
    expect(withFolderPlaceholders(encode(new Map([['root', COPY]])), [['repo', COPY]]).unstorable).toMatch(/holds the path of the copy of "repo" it received/)
    expect(withFolderPlaceholders(encode({ label: 'x', bytes: Buffer.from(COPY) }), [['repo', COPY]]).unstorable).toMatch(/"repo"/)
    expect(withFolderPlaceholders(encode({ label: 'elsewhere' }), [['repo', COPY]])).toEqual({ encoded: encode({ label: 'elsewhere' }) })
  })
})
