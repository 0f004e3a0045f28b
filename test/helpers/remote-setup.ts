// Global setup: a real turborepo-remote-cache server and an nginx WebDAV server (a Bazel HTTP cache) per test project.
import type { TestProject } from 'vitest/node'
import type { BazelCacheServer } from './nginx-webdav.js'
import type { RemoteCacheServer } from './remote-cache-server.js'
import { startBazelCache } from './nginx-webdav.js'
import { startRemoteCacheServer } from './remote-cache-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    remoteCache: RemoteCacheServer
    /** Null when nginx is not installed. */
    bazelCache: BazelCacheServer | null
  }
}

/** Global setup: the real servers the remote tier's tests talk to, one of each per test project. */
export default async function setup(project: TestProject): Promise<() => void> {
  const { stop, ...server } = await startRemoteCacheServer()
  project.provide('remoteCache', server)
  const bazel = await startBazelCache()
  if (bazel) {
    const { stop: stopBazel, ...bazelServer } = bazel
    project.provide('bazelCache', bazelServer)
  }
  else project.provide('bazelCache', null)
  return () => {
    stop()
    bazel?.stop()
  }
}
