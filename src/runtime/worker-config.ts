import type { WorkerConfig } from '../shared/protocol.js'
import { inject } from 'vitest'
import { PROVIDE_KEY } from '../shared/protocol.js'
import { CachedFixtureError } from './errors.js'

/** What the plugin provided; a clear error when the plugin is not active for this project. */
export function workerConfig(label: string): WorkerConfig {
  const config = inject(PROVIDE_KEY)
  if (!config) throw pluginMissing(label)
  return config
}

export function pluginMissing(label: string): CachedFixtureError {
  return new CachedFixtureError(
    `cached() ${label} runs without the fixtureCache plugin. Add fixtureCache() from 'vitest-fixture-cache/plugin' `
    + `to the plugins of this project's config (inline projects in test.projects need "extends: true" to inherit root plugins).`,
  )
}
