// The real turborepo-remote-cache server (a devDependency), started on 127.0.0.1 for the tests.
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

const cli = resolve(import.meta.dirname, '../../node_modules/turborepo-remote-cache/dist/cli.js')

export interface RemoteCacheServer {
  url: string
  token: string
  /** Where it stores artifacts: `<storage>/<team>/<id>`, and `<id>.tag` beside. */
  storage: string
}

/**
 * Starts a server; `env` overrides its settings (`BODY_LIMIT`, …). With any
 * `TURBO_REMOTE_CACHE_SIGNATURE_KEY` it stores the tags clients send (it never checks them), and
 * then answers 404 for an artifact stored without one.
 */
export async function startRemoteCacheServer(env: Record<string, string> = {}): Promise<RemoteCacheServer & { stop: () => void }> {
  const storage = mkdtempSync(join(tmpdir(), 'vfc-remote-'))
  const token = 'test-token-never-printed'
  const child: ChildProcess = spawn(process.execPath, [cli], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      TURBO_TOKEN: token,
      STORAGE_PROVIDER: 'local',
      STORAGE_PATH: storage,
      STORAGE_PATH_USE_TMP_FOLDER: 'false',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const url = await new Promise<string>((resolvePromise, reject) => {
    let output = ''
    const onData = (chunk: Buffer): void => {
      output += chunk
      const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (listening) resolvePromise(listening[1]!)
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', onData)
    child.on('exit', code => reject(new Error(`turborepo-remote-cache exited with ${code}:\n${output}`)))
    setTimeout(() => reject(new Error(`turborepo-remote-cache did not start:\n${output}`)), 20_000).unref()
  })
  child.stdout!.resume()
  child.stderr!.resume()
  return {
    url,
    token,
    storage,
    stop: () => {
      child.kill()
      rmSync(storage, { recursive: true, force: true })
    },
  }
}
