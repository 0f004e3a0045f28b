import { mkdtempSync } from 'node:fs'
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
})
