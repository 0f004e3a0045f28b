// nginx with its WebDAV module as a Bazel HTTP cache (GET/PUT /ac/… and /cas/…), started on
// 127.0.0.1 for the tests. nginx comes from Debian's package (`.ci/run` installs nginx-light).
import type { ChildProcess } from 'node:child_process'
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createConnection, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

export interface BazelCacheServer {
  url: string
  token: string
  /** Where nginx keeps what was PUT: `<root>/<path>`. */
  root: string
}

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find(existsSync)

/** Null when nginx is not installed: the Bazel tests then skip, saying so (`.ci/run` sets FIXTURE_CACHE_TEST_REQUIRE_NGINX=1, so CI never skips them). */
export async function startBazelCache(): Promise<(BazelCacheServer & { stop: () => void }) | null> {
  if (!NGINX) {
    if (process.env.FIXTURE_CACHE_TEST_REQUIRE_NGINX) throw new Error('nginx is not installed, and FIXTURE_CACHE_TEST_REQUIRE_NGINX is set: apt-get install nginx-light')
    console.warn('[tests] nginx is not installed: the Bazel HTTP cache tests are skipped (apt-get install nginx-light to run them)')
    return null
  }
  const home = mkdtempSync(join(tmpdir(), 'vfc-nginx-'))
  const root = join(home, 'data')
  mkdirSync(root)
  mkdirSync(join(home, 'temp'))
  const token = 'bazel-token-never-printed'
  const port = await freePort()
  const temp = join(home, 'temp')
  writeFileSync(join(home, 'nginx.conf'), `
daemon off;
master_process off;
pid ${join(home, 'nginx.pid')};
error_log ${join(home, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${temp};
  proxy_temp_path ${temp};
  fastcgi_temp_path ${temp};
  uwsgi_temp_path ${temp};
  scgi_temp_path ${temp};
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 64m;
    location / {
      if ($http_authorization != "Bearer ${token}") { return 401; }
      root ${root};
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
`)
  const child: ChildProcess = spawn(NGINX, ['-p', home, '-c', join(home, 'nginx.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let output = ''
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk })
  for (let attempt = 0; !await accepts(port); attempt++) {
    if (child.exitCode !== null || attempt > 100) throw new Error(`nginx did not start (exit ${child.exitCode}):\n${output}`)
    await sleep(50)
  }
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    root,
    stop: () => {
      child.kill()
      rmSync(home, { recursive: true, force: true })
    },
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
    server.on('error', reject)
  })
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' })
    socket.on('connect', () => { socket.destroy(); resolve(true) })
    socket.on('error', () => resolve(false))
  })
}
