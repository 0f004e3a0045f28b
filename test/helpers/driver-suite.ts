// One test suite for every storage driver: what the store relies on, capability by capability.
import type { Driver } from '../../src/store/driver.js'
import { describe, expect, it } from 'vitest'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const text = (data: Uint8Array | null): string | null => (data ? new TextDecoder().decode(data) : null)

export function driverSuite(name: string, make: () => Driver | Promise<Driver>): void {
  describe(`driver: ${name}`, () => {
    it('misses a key it never stored, then gives back exactly what was put', async () => {
      const driver = await make()
      const key = `k${Math.random().toString(16).slice(2)}`
      expect(await driver.get(key)).toBeNull()
      await driver.put(key, bytes('first'))
      expect(text(await driver.get(key))).toBe('first')
    })

    it('replaces a value whole', async () => {
      const driver = await make()
      const key = `k${Math.random().toString(16).slice(2)}`
      await driver.put(key, bytes('a much longer first value'))
      await driver.put(key, bytes('short'))
      expect(text(await driver.get(key))).toBe('short')
    })

    it('keeps every byte value and a 5 MB value intact', async () => {
      const driver = await make()
      const all = Uint8Array.from({ length: 256 }, (_, index) => index)
      await driver.put('every-byte', all)
      expect(Buffer.from((await driver.get('every-byte'))!)).toEqual(Buffer.from(all))
      const big = Uint8Array.from({ length: 5 << 20 }, (_, index) => (index * 31) & 0xFF)
      await driver.put('big', big)
      expect(Buffer.from((await driver.get('big'))!).equals(Buffer.from(big))).toBe(true)
    })

    it('keeps keys apart, nested ones too, where it can list', async (context) => {
      const driver = await make()
      if (!driver.list || !driver.meta || !driver.remove) return context.skip()
      await driver.put('folder/a.entry', bytes('a'))
      await driver.put('folder/b.entry', bytes('bb'))
      await driver.put('other/c.entry', bytes('c'))
      expect([...await driver.list('folder')].sort()).toEqual(['a.entry', 'b.entry'])
      expect((await driver.meta('folder/b.entry'))?.size).toBe(2)
      expect(await driver.meta('folder/none.entry')).toBeNull()
      await driver.remove('folder/a.entry')
      expect(await driver.get('folder/a.entry')).toBeNull()
      expect(text(await driver.get('other/c.entry'))).toBe('c')
      await driver.remove('folder')
      expect(await driver.list('folder')).toEqual([])
    })

    it('moves a use time forward when touched', async (context) => {
      const driver = await make()
      if (!driver.touch || !driver.meta) return context.skip()
      await driver.put('used.entry', bytes('x'))
      const before = (await driver.meta('used.entry'))!.usedAt
      await new Promise(resolve => setTimeout(resolve, 20))
      await driver.touch('used.entry')
      expect((await driver.meta('used.entry'))!.usedAt).toBeGreaterThan(before)
    })

    it('hands a lock to one holder at a time, and lets a waiter go once what it guards is there', async (context) => {
      const driver = await make()
      if (!driver.lock) return context.skip()
      const release = (await driver.lock('locks/one'))!
      let done = false
      const waiter = driver.lock('locks/one', { done: () => done, folder: 'guarded' })
      await new Promise(resolve => setTimeout(resolve, 50))
      done = true
      await driver.put('guarded/value', bytes('v'))
      expect(await waiter).toBeNull()
      release()
      const again = (await driver.lock('locks/one'))!
      again()
    })
  })
}
