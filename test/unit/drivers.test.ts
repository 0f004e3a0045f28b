import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, inject } from 'vitest'
import { bazelDriver } from '../../src/store/drivers/bazel.js'
import { fsDriver } from '../../src/store/drivers/fs.js'
import { memoryDriver } from '../../src/store/drivers/memory.js'
import { turborepoDriver } from '../../src/store/drivers/turborepo.js'
import { driverSuite } from '../helpers/driver-suite.js'

driverSuite('fs', () => fsDriver({ dir: mkdtempSync(join(tmpdir(), 'vfc-driver-')) }))
driverSuite('memory', () => memoryDriver())
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
