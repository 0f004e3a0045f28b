import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { bazelDriver } from '../../src/store/drivers/bazel.js'
import { fsDriver } from '../../src/store/drivers/fs.js'
import { memoryDriver } from '../../src/store/drivers/memory.js'
import { turborepoDriver } from '../../src/store/drivers/turborepo.js'
import { driverSuite } from '../helpers/driver-suite.js'

const localDrivers = {
  fs: () => fsDriver({ dir: mkdtempSync(join(tmpdir(), 'vfc-driver-')) }),
  memory: () => memoryDriver(),
}

driverSuite('fs', localDrivers.fs)
driverSuite('memory', localDrivers.memory)
driverSuite('turborepo (the real turborepo-remote-cache server)', () => {
  const { url, token } = inject('remoteCache')
  return turborepoDriver({ url, token, team: 'driver-suite', timeoutMs: 5000 })
})

describe.skipIf(!inject('bazelCache'))('bazel', () => {
  let prefixes = 0
  driverSuite('bazel (nginx with WebDAV)', () => {
    const { url, token } = inject('bazelCache')!
    // Each test its own prefix: the protocol has no namespaces.
    return bazelDriver({ url: `${url}/suite-${++prefixes}/`, token, timeoutMs: 5000 })
  })
})

describe.each(Object.entries(localDrivers))('local driver %s', (_, make) => {
  it('stores pieces as one value, copied when put', () => {
    const driver = make()
    const header = Buffer.from('header\n')
    const payload = Buffer.alloc(3 << 20, 7)
    driver.put('entry', [header, payload, Buffer.alloc(0), Buffer.from('end')])
    payload.fill(0)
    const stored = Buffer.from(driver.get('entry')!)
    expect(stored.length).toBe(header.length + (3 << 20) + 3)
    expect(stored.subarray(0, header.length).toString()).toBe('header\n')
    expect(stored.subarray(header.length, header.length + (3 << 20)).every(byte => byte === 7)).toBe(true)
    expect(stored.subarray(-3).toString()).toBe('end')
  })

  it('gives bytes with their size and last use in one look, none beyond a size', () => {
    const driver = make()
    driver.put('slot/a.entry', Buffer.from('abc'))
    const read = driver.getWithMeta('slot/a.entry', 3)!
    expect([Buffer.from(read.bytes).toString(), read.meta]).toEqual(['abc', driver.meta('slot/a.entry')])
    expect(driver.getWithMeta('slot/a.entry', 2)).toBeNull()
    expect(driver.getWithMeta('slot/none.entry', 10)).toBeNull()
  })
})

it('never reads an entry through a symlink, nor a folder standing where an entry should be', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vfc-driver-'))
  const driver = fsDriver({ dir })
  writeFileSync(join(dir, 'outside'), 'secret')
  mkdirSync(join(dir, 'slot'))
  symlinkSync(join(dir, 'outside'), join(dir, 'slot/link.entry'))
  mkdirSync(join(dir, 'slot/folder.entry'))
  expect(driver.getWithMeta('slot/link.entry', 100)).toBeNull()
  expect(driver.getWithMeta('slot/folder.entry', 100)).toBeNull()
  expect(driver.get('slot/link.entry')).toBeNull()
})
