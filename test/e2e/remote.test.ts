import type { AddressInfo } from 'node:net'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import type { RemoteCacheServer } from '../helpers/remote-cache-server.js'
import { describe, expect, inject, it, onTestFinished } from 'vitest'
import { Project, runOk } from '../helpers/project.js'
import { startRemoteCacheServer } from '../helpers/remote-cache-server.js'

// The remote tier against the real turborepo-remote-cache server the test setup started.
const FILES = {
  'test/fixtures.ts': `
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  corpus: cached(async () => {
    appendFileSync('builds.log', 'corpus\\n')
    return { words: ['alpha', 'beta', 'gamma'] }
  }),
  where: cached(async () => {
    appendFileSync('builds.log', 'where\\n')
    return { data: join(process.cwd(), 'data', 'input.txt') }
  }),
})
`,
  'test/a.test.ts': `
import { join } from 'node:path'
import { expect } from 'vitest'
import { test } from './fixtures'
test('the values are right on this machine', ({ corpus, where }) => {
  expect(corpus).toEqual({ words: ['alpha', 'beta', 'gamma'] })
  expect(where.data).toBe(join(process.cwd(), 'data', 'input.txt'))
})
`,
}

let teams = 0
/** Settings of a real server, under a team of this test's own: tests do not see each other's artifacts. */
function remoteEnv(extra: Record<string, string> = {}, server: RemoteCacheServer = inject('remoteCache')): Record<string, string> {
  return { FIXTURE_CACHE_REMOTE_URL: server.url, FIXTURE_CACHE_REMOTE_TOKEN: server.token, FIXTURE_CACHE_REMOTE_TEAM: `team-${process.pid}-${++teams}`, ...extra }
}

const artifacts = (team: string, server: RemoteCacheServer = inject('remoteCache')): string[] => {
  try {
    return readdirSync(join(server.storage, team)).filter(name => !name.endsWith('.tag'))
  }
  catch {
    return []
  }
}

/** Runs green, and nothing it printed holds the token. */
async function runQuietly(project: Project, env: Record<string, string>) {
  const result = await runOk(project, [], env)
  expect(result.output).not.toContain(inject('remoteCache').token)
  return result
}

describe('a second machine reuses what the first one shared', () => {
  it('through the real server: a second checkout with an empty local cache builds nothing, and gets paths of its own folder', async () => {
    const env = remoteEnv()
    const first = Project.create(FILES)
    const shared = await runQuietly(first, { ...env, FIXTURE_CACHE_REMOTE_WRITE: '1' })
    expect(first.takeBuilds()).toEqual(['corpus', 'where'])
    expect(shared.output).toMatch(/shared 2 with the remote cache/)
    expect(artifacts(env.FIXTURE_CACHE_REMOTE_TEAM!)).toHaveLength(2)

    const second = Project.create(FILES)
    const reused = await runQuietly(second, env)
    expect(second.takeBuilds()).toEqual([])
    expect(reused.output).toMatch(/2 reused \(corpus, where\), 2 through the remote cache/)
    // Kept locally: the next run reads its own cache.
    expect(second.cacheEntries()).toHaveLength(2)
    const local = await runQuietly(second, env)
    expect(second.takeBuilds()).toEqual([])
    expect(local.output).not.toMatch(/through the remote cache/)
  })

  it('FIXTURE_CACHE=readonly reads from the remote cache and leaves the local one as it is', async () => {
    const env = remoteEnv()
    await runQuietly(Project.create(FILES), { ...env, FIXTURE_CACHE_REMOTE_WRITE: '1' })
    const reader = Project.create(FILES)
    await runQuietly(reader, { ...env, FIXTURE_CACHE: 'readonly' })
    expect(reader.takeBuilds()).toEqual([])
    expect(reader.cacheEntries()).toEqual([])
  })

  it('uploads nothing unless writing is enabled, and nothing under FIXTURE_CACHE=readonly', async () => {
    const env = remoteEnv()
    const project = Project.create(FILES)
    await runQuietly(project, env)
    await runQuietly(Project.create(FILES), { ...env, FIXTURE_CACHE_REMOTE_WRITE: '1', FIXTURE_CACHE: 'readonly' })
    expect(artifacts(env.FIXTURE_CACHE_REMOTE_TEAM!)).toEqual([])
    const other = Project.create(FILES)
    await runQuietly(other, env)
    expect(other.takeBuilds()).toEqual(['corpus', 'where'])
  })

  it('rejects an artifact whose signature does not match, and rebuilds the right value', async () => {
    // A server that keeps the tags clients send (it never checks them).
    const server = await startRemoteCacheServer({ TURBO_REMOTE_CACHE_SIGNATURE_KEY: 'server-stores-tags' })
    onTestFinished(server.stop)
    const env = remoteEnv({ FIXTURE_CACHE_REMOTE_SIGNATURE_KEY: 'trusted-key' }, server)
    await runQuietly(Project.create(FILES), { ...env, FIXTURE_CACHE_REMOTE_WRITE: '1' })
    const untouched = Project.create(FILES)
    await runQuietly(untouched, env)
    expect(untouched.takeBuilds()).toEqual([])
    // An attacker without the key replaces the stored value with a well-formed entry of its own.
    const folder = join(server.storage, env.FIXTURE_CACHE_REMOTE_TEAM!)
    let forged = 0
    for (const name of artifacts(env.FIXTURE_CACHE_REMOTE_TEAM!, server)) {
      const bytes = readFileSync(join(folder, name))
      const newline = bytes.indexOf(0x0A)
      const header = JSON.parse(bytes.subarray(0, newline).toString('utf8'))
      if (header.name !== 'corpus') continue
      const payload = Buffer.from(JSON.stringify({ words: ['poisoned'] }))
      const edited = { ...header, size: payload.length, checksum: `sha256-${createHash('sha256').update(payload).digest('hex')}` }
      writeFileSync(join(folder, name), Buffer.concat([Buffer.from(`${JSON.stringify(edited)}\n`), payload]))
      forged++
    }
    expect(forged).toBe(1)
    const second = Project.create(FILES)
    const result = await runQuietly(second, env)
    expect(second.takeBuilds()).toEqual(['corpus'])
    expect(result.output).toMatch(/wrong signature tag; not used/)
  })
})

let bazelPrefixes = 0
/** Settings of the nginx WebDAV server as a Bazel HTTP cache, under a path prefix of this test's own. */
function bazelEnv(extra: Record<string, string> = {}): Record<string, string> {
  const { url, token } = inject('bazelCache')!
  return { FIXTURE_CACHE_REMOTE_PROTOCOL: 'bazel', FIXTURE_CACHE_REMOTE_URL: `${url}/e2e-${process.pid}-${++bazelPrefixes}/`, FIXTURE_CACHE_REMOTE_TOKEN: token, ...extra }
}

describe.skipIf(!inject('bazelCache'))('through a Bazel HTTP cache (nginx with WebDAV)', () => {
  it('a second checkout builds nothing; a forged blob or an unsigned record is refused and the right value rebuilt', async () => {
    const env = bazelEnv({ FIXTURE_CACHE_REMOTE_SIGNATURE_KEY: 'trusted-key' })
    const first = Project.create(FILES)
    const shared = await runOk(first, [], { ...env, FIXTURE_CACHE_REMOTE_WRITE: '1' })
    expect(first.takeBuilds()).toEqual(['corpus', 'where'])
    expect(shared.output).toMatch(/shared 2 with the remote cache/)
    expect(shared.output).not.toContain(inject('bazelCache')!.token)

    const second = Project.create(FILES)
    const reused = await runOk(second, [], env)
    expect(second.takeBuilds()).toEqual([])
    expect(reused.output).toMatch(/2 reused \(corpus, where\), 2 through the remote cache/)

    // A blob replaced on the server no longer matches its address.
    const root = join(inject('bazelCache')!.root, new URL(env.FIXTURE_CACHE_REMOTE_URL!).pathname)
    for (const name of readdirSync(join(root, 'cas'))) writeFileSync(join(root, 'cas', name), readFileSync(join(root, 'cas', name)).toString('latin1').replace('alpha', 'ALPHA'), 'latin1')
    const third = Project.create(FILES)
    const refused = await runOk(third, [], env)
    expect(third.takeBuilds()).toEqual(['corpus'])
    expect(refused.output).toMatch(/bytes that do not match their address; not used/)

    // Someone without the key builds corpus (its blob is the forged one) and uploads an unsigned record for it.
    const keyless = Project.create(FILES)
    await runOk(keyless, [], { ...env, FIXTURE_CACHE_REMOTE_SIGNATURE_KEY: '', FIXTURE_CACHE_REMOTE_WRITE: '1' })
    expect(keyless.takeBuilds()).toEqual(['corpus'])
    const fourth = Project.create(FILES)
    const unsigned = await runOk(fourth, [], env)
    expect(fourth.takeBuilds()).toEqual(['corpus'])
    expect(unsigned.output).toMatch(/no signature tag; not used/)
  })
})

describe('a remote cache in trouble never turns a run red, nor costs it more than a moment', () => {
  it('an entry larger than the server accepts: not shared, one warning', async () => {
    const server = await startRemoteCacheServer({ BODY_LIMIT: '64' })
    onTestFinished(server.stop)
    const env = remoteEnv({ FIXTURE_CACHE_REMOTE_WRITE: '1' }, server)
    const result = await runQuietly(Project.create(FILES), env)
    expect(result.output).toMatch(/larger than the server accepts; not shared/)
    expect(artifacts(env.FIXTURE_CACHE_REMOTE_TEAM!, server)).toEqual([])
  })

  it('a wrong token: one warning, the run builds locally', async () => {
    const project = Project.create(FILES)
    const result = await runQuietly(project, remoteEnv({ FIXTURE_CACHE_REMOTE_TOKEN: 'wrong-token', FIXTURE_CACHE_REMOTE_WRITE: '1' }))
    expect(project.takeBuilds()).toEqual(['corpus', 'where'])
    expect(result.output.match(/remote cache unusable \(GET .*: 401/g)).toHaveLength(1)
    expect(result.output).not.toContain('wrong-token')
  })

  it('a server that is down, and one that accepts connections but never answers', async () => {
    const silent = createServer(() => {})
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve))
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const closedPort = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    try {
      for (const url of [`http://127.0.0.1:${closedPort}`, `http://127.0.0.1:${(silent.address() as AddressInfo).port}`]) {
        const project = Project.create(FILES)
        const started = performance.now()
        const result = await runQuietly(project, remoteEnv({ FIXTURE_CACHE_REMOTE_URL: url }))
        const seconds = (performance.now() - started) / 1000
        expect(project.takeBuilds()).toEqual(['corpus', 'where'])
        expect(result.output).toMatch(/remote cache unusable/)
        // A local cold run takes a second or two here; a stalled server adds one bounded wait.
        expect(seconds).toBeLessThan(15)
      }
    }
    finally {
      silent.close()
    }
  })
})
