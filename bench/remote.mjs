// A remote hit against a local one: the same project with a 5 MB cached fixture, run with its entry
// in the local cache, and with an empty local cache and the entry on the real turborepo-remote-cache
// server (started here on 127.0.0.1). No goal: what a remote hit costs on top, in one number.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median, PLUGIN_CONFIG, project, repo, sandbox, timeRun } from './lib.mjs'

// The summary line says which tier served the value: this project prints it.
const CONFIG = PLUGIN_CONFIG.replace('fixtureCache({ silent: true })', 'fixtureCache()')

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)

const FILES = {
  'vitest.config.ts': CONFIG,
  'test/fixtures.ts': `
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  records: cached(async () => Array.from({ length: 50_000 }, (_, id) => ({ id, name: 'record-' + id, tags: ['a', 'b', String(id % 7)], score: id / 3 })), { scope: 'file' }),
})
`,
  'test/a.test.ts': `
import { expect } from 'vitest'
import { test } from './fixtures'
test('reads the records', ({ records }) => { expect(records).toHaveLength(50_000) })
`,
}

async function startServer() {
  const storage = mkdtempSync(join(tmpdir(), 'vfc-bench-remote-'))
  const server = spawn(process.execPath, [join(repo, 'node_modules/turborepo-remote-cache/dist/cli.js')], {
    env: { PATH: process.env.PATH, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: '0', TURBO_TOKEN: 'bench', STORAGE_PROVIDER: 'local', STORAGE_PATH: storage, STORAGE_PATH_USE_TMP_FOLDER: 'false' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise((resolve, reject) => {
    let output = ''
    server.stdout.on('data', (chunk) => {
      output += chunk
      const listening = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (listening) resolve(listening[1])
    })
    server.on('exit', code => reject(new Error(`turborepo-remote-cache exited with ${code}: ${output}`)))
  })
  return { url, stop: () => { server.kill(); rmSync(storage, { recursive: true, force: true }) } }
}

export async function run() {
  const server = await startServer()
  const box = sandbox()
  try {
    const dir = project(box.root, 'remote', FILES)
    const env = { FIXTURE_CACHE_REMOTE_URL: server.url, FIXTURE_CACHE_REMOTE_TOKEN: 'bench', FIXTURE_CACHE_REMOTE_TEAM: 'bench' }
    const cache = join(dir, 'node_modules/.cache/vitest-fixture-cache')
    timeRun(dir, { ...env, FIXTURE_CACHE_REMOTE_WRITE: '1' })
    const times = { local: [], remote: [] }
    for (let round = 0; round < ROUNDS; round++) {
      times.local.push(timeRun(dir, env).seconds)
      rmSync(cache, { recursive: true, force: true })
      const remote = timeRun(dir, env)
      if (!/through the remote cache/.test(remote.output)) throw new Error(`not a remote hit:\n${remote.output}`)
      times.remote.push(remote.seconds)
    }
    const [local, remote] = [times.local, times.remote].map(median)
    return [{
      benchmark: '5 MB fixture: run with a remote hit (empty local cache, real server on 127.0.0.1) / run with a local hit',
      measured: `${remote.toFixed(2)} s`,
      baseline: `${local.toFixed(2)} s`,
      ratio: Number((remote / local).toFixed(3)),
      goal: '',
    }]
  }
  finally {
    box.remove()
    server.stop()
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run())
