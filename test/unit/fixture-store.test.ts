import type { Slot } from '../../src/store/paths.js'
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { FORMAT_VERSION } from '../../src/shared/key.js'
import { checksum, checksumMatches } from '../../src/store/entry-format.js'
import { CacheDamageError, type FixtureStore, KEEP_PER_SLOT } from '../../src/store/fixture-store.js'
import { openStore } from '../../src/store/open-store.js'
import { ENTRIES_DIR, entryKey } from '../../src/store/paths.js'

const entryPath = (dir: string, slot: Slot, id: string): string => join(dir, entryKey(slot, id))

const slot: Slot = { name: 'corpus', file: 'test/fixtures.ts', node: 'v20.0.0' }
// The run writing: entries the tests date back (or built by run 'r') are earlier runs'.
const run = { runId: 'now', startedAt: Date.now() }
const fields = (key: string) => ({ name: 'corpus', file: slot.file, key, id: key, node: slot.node, inputs: [{ name: 'factory', digest: key }], recorded: [], valueDigest: 'v', buildMs: 5, runId: 'r', createdAt: '2026-01-01T00:00:00.000Z', codec: 'v8' })

describe('FixtureStore', () => {
  let dir: string
  let store: FixtureStore
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'vfc-store-'))
    store = openStore(join(dir, 'cache'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('reads back what it wrote, and misses an unknown key', async () => {
    await store.write(slot, fields('k1'), Buffer.from('payload'), run)
    const entry = store.read(slot, 'k1')
    expect(entry?.payload.toString()).toBe('payload')
    expect(entry?.header).toMatchObject({ key: 'k1', size: 7, format: FORMAT_VERSION })
    expect(store.read(slot, 'k2')).toBeNull()
    expect(store.read({ ...slot, node: 'v22.0.0' }, 'k1')).toBeNull()
  })

  it(`keeps the ${KEEP_PER_SLOT} most recently used entries of a slot, and other slots`, async () => {
    const ids = Array.from({ length: KEEP_PER_SLOT + 1 }, (_, index) => `k${index}`)
    await store.write({ ...slot, node: 'v22.0.0' }, { ...fields('k9'), node: 'v22.0.0' }, Buffer.from('other node'), run)
    for (const [index, id] of ids.entries()) {
      await store.write(slot, fields(id), Buffer.from(id), run)
      // Distinct use times, oldest first; k0 is used again after k1 was written.
      const at = new Date(Date.UTC(2026, 0, 1, 0, index === 0 ? 3 : index * 2))
      utimesSync(entryPath(store.dir, slot, id), at, at)
    }
    expect(store.read(slot, 'k1')).toBeNull()
    expect(store.read(slot, 'k0')?.payload.toString()).toBe('k0')
    expect(store.entries(slot).map(entry => entry.header.id)).toEqual([...ids.slice(2).reverse(), 'k0'])
    expect(store.list().map(entry => entry.header.key).sort()).toEqual([...ids.filter(id => id !== 'k1'), 'k9'].sort())
  })

  it('keeps every entry this run built or used, however many, besides the most recent earlier ones', async () => {
    const dateBack = (id: string, minute: number): void => {
      const at = new Date(Date.UTC(2026, 0, 1, 0, minute))
      utimesSync(entryPath(store.dir, slot, id), at, at)
    }
    // Five entries of earlier runs (written by one that keeps them all), e0 the most recently used.
    for (const index of [4, 3, 2, 1, 0]) {
      await store.write(slot, fields(`e${index}`), Buffer.from('earlier'), { runId: 'r', startedAt: 0 })
      dateBack(`e${index}`, 10 - index)
    }
    // This run uses e4 (read ahead in a full slot, so the use is recorded at once), then builds
    // one entry per parameter: more keys than a slot keeps.
    expect(store.readLatest(slot, 1000)?.header.id).toBe('e0')
    expect(store.read(slot, 'e4')).not.toBeNull()
    store.touch(slot, 'e4', run)
    const built = Array.from({ length: KEEP_PER_SLOT + 2 }, (_, index) => `p${index}`)
    for (const id of built) await store.write(slot, { ...fields(id), runId: run.runId }, Buffer.from(id), run)
    expect(store.entries(slot).map(entry => entry.header.id).sort())
      .toEqual([...built, 'e4', ...['e0', 'e1', 'e2'].slice(0, KEEP_PER_SLOT - 1)].sort())
    // The next run keeps this run's entries only as its most recent earlier ones.
    const next = { runId: 'next', startedAt: Date.now() + 60_000 }
    await store.write(slot, { ...fields('n0'), runId: next.runId }, Buffer.from('n0'), next)
    expect(store.entries(slot)).toHaveLength(KEEP_PER_SLOT)
  })

  it('removes an entry whose bytes fail the checksum and reports it as damage', async () => {
    await store.write(slot, fields('k1'), Buffer.from('payload'), run)
    const path = entryPath(store.dir, slot, 'k1')
    const bytes = readFileSync(path)
    bytes.writeUInt8(bytes.at(-1)! ^ 1, bytes.length - 1)
    writeFileSync(path, bytes)
    expect(() => store.read(slot, 'k1')).toThrow(CacheDamageError)
    expect(store.read(slot, 'k1')).toBeNull()
  })

  it('reads a slot\'s most recently used entry ahead, whatever its key, and only an intact one of bounded size', async () => {
    expect(store.readLatest(slot, 1000)).toBeNull()
    await store.write(slot, fields('k2'), Buffer.from('older'), run)
    // One entry (nothing to compare), then two (the most recently used one).
    expect(store.readLatest(slot, 1000)?.payload.toString()).toBe('older')
    expect(store.readLatest(slot, 10)).toBeNull()
    utimesSync(entryPath(store.dir, slot, 'k2'), new Date(2020, 0), new Date(2020, 0))
    await store.write(slot, fields('k1'), Buffer.from('payload'), run)
    const ahead = store.readLatest(slot, 1000)
    expect([ahead?.header.key, ahead?.payload.toString()]).toEqual(['k1', 'payload'])
    expect(store.readLatest(slot, 10)).toBeNull()

    const path = entryPath(store.dir, slot, 'k1')
    const bytes = readFileSync(path)
    bytes.writeUInt8(bytes.at(-1)! ^ 1, bytes.length - 1)
    writeFileSync(path, bytes)
    expect(store.readLatest(slot, 1000)).toBeNull()
    // Damage is left for read() to report and remove.
    expect(() => store.read(slot, 'k1')).toThrow(CacheDamageError)
  })

  it('checks small payloads with sha256, large ones with CRC-32, and catches a flipped bit in either', () => {
    const small = Buffer.from('summary')
    const large = Buffer.alloc(2 << 20, 'abc')
    expect(checksum(small)).toBe(`sha256-${createHash('sha256').update(small).digest('hex')}`)
    expect(checksum(large)).toMatch(/^crc32-[0-9a-f]+$/)
    for (const body of [small, large]) {
      const sum = checksum(body)
      expect(checksumMatches(body, sum)).toBe(true)
      body.writeUInt8(body[body.length >> 1]! ^ 4, body.length >> 1)
      expect(checksumMatches(body, sum)).toBe(false)
    }
    expect(checksumMatches(small, 'md5-whatever')).toBe(false)
  })

  it('removes entries of older formats as leftovers, never a newer format\'s', async () => {
    await store.write(slot, fields('k1'), Buffer.from('payload'), run)
    mkdirSync(join(store.dir, 'entries-v1', 'old'), { recursive: true })
    mkdirSync(join(store.dir, `entries-v${FORMAT_VERSION + 1}`, 'new'), { recursive: true })
    store.removeLeftovers(0)
    expect(readdirSync(store.dir).sort()).toEqual(['CACHEDIR.TAG', ENTRIES_DIR, `entries-v${FORMAT_VERSION + 1}`].sort())
    expect(store.read(slot, 'k1')?.payload.toString()).toBe('payload')
  })

  it('looks for killed writers\' temporary files at most once per period when asked to, always when not', async () => {
    await store.write(slot, fields('k1'), Buffer.from('payload'), run)
    const folder = join(store.dir, ENTRIES_DIR, readdirSync(join(store.dir, ENTRIES_DIR))[0]!)
    const leaveTemporary = (name: string): string => {
      const path = join(folder, name)
      writeFileSync(path, 'half')
      utimesSync(path, new Date(2020, 0), new Date(2020, 0))
      return path
    }
    const first = leaveTemporary('k1.entry.abc123')
    expect(store.removeLeftovers(1000, { atMostEveryMs: 60_000 })).toEqual([first])
    const second = leaveTemporary('k1.entry.def456')
    expect(store.removeLeftovers(1000, { atMostEveryMs: 60_000 })).toEqual([])
    expect(store.removeLeftovers(1000)).toEqual([second])
    expect(store.read(slot, 'k1')?.payload.toString()).toBe('payload')
  })

  it('treats a truncated entry as damaged', async () => {
    await store.write(slot, fields('k1'), Buffer.from('payload'), run)
    const path = entryPath(store.dir, slot, 'k1')
    writeFileSync(path, readFileSync(path).subarray(0, 20))
    expect(() => store.read(slot, 'k1')).toThrow(CacheDamageError)
  })

  it('keeps any fixture name inside the cache dir', async () => {
    for (const name of ['../../escape', '/etc/passwd', 'nul\0byte', 'ünïcødé ✓', 'x'.repeat(5000), '..']) {
      const path = entryPath(store.dir, { ...slot, name }, 'k')
      expect(relative(store.dir, path).startsWith('..')).toBe(false)
      await store.write({ ...slot, name }, { ...fields('k'), name }, Buffer.from(name), run)
      expect(store.read({ ...slot, name }, 'k')?.payload.toString()).toBe(name)
    }
    expect(readdirSync(store.dir).sort()).toEqual(['CACHEDIR.TAG', ENTRIES_DIR])
  })

  it('lets one holder at a time take a lock', async () => {
    const release = await store.lock(slot, 'k1')
    let second = false
    const waiting = store.lock(slot, 'k1').then((releaseSecond) => {
      second = true
      releaseSecond()
    })
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(second).toBe(false)
    release()
    await waiting
    expect(second).toBe(true)
  })

  it('wakes a waiter as soon as the entry is published, without the lock (no convoy behind it)', async () => {
    // Three times, each once the waiter's pauses reached their 500 ms cap: polling alone would
    // answer within 100 ms once in five, the watch every time.
    for (const key of ['k1', 'k2', 'k3']) {
      const release = await store.lock(slot, key)
      let published = false
      const waiting = store.lock(slot, key, () => published && store.entries(slot).some(entry => entry.header.key === key))
      await new Promise(resolve => setTimeout(resolve, 1200))
      published = true
      const publishedAt = performance.now()
      await store.write(slot, fields(key), Buffer.from('payload'), run)
      expect(await waiting).toBeNull()
      expect(performance.now() - publishedAt).toBeLessThan(100)
      release()
    }
  })
})
