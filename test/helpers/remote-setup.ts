// Global setup: one real remote-cache server per test project, for the remote tier's tests.
import type { TestProject } from 'vitest/node'
import type { RemoteCacheServer } from './remote-cache-server.js'
import { startRemoteCacheServer } from './remote-cache-server.js'

declare module 'vitest' {
  export interface ProvidedContext {
    remoteCache: RemoteCacheServer
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const { stop, ...server } = await startRemoteCacheServer()
  project.provide('remoteCache', server)
  return stop
}
