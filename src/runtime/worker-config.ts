import type { WorkerConfig } from '../shared/protocol.js'
import { inject } from 'vitest'
import { mainProcessConfig, PROVIDE_KEY } from '../shared/protocol.js'
import { CachedFixtureError } from './errors.js'

/**
 * What the plugin provided; a clear error when the plugin is not active for this project. In the
 * main process (a `globalSetup` file) there is no worker to inject into: the plugin's run is there.
 */
export function workerConfig(label: string): WorkerConfig {
  let config: WorkerConfig | undefined
  try {
    config = inject(PROVIDE_KEY)
  }
  catch {
    config = mainProcessConfig()
  }
  if (!config) throw pluginMissing(label)
  return config
}

export function pluginMissing(label: string): CachedFixtureError {
  return new CachedFixtureError(
    `cached() ${label} runs without the fixtureCache plugin. Add fixtureCache() from 'vitest-fixture-cache/plugin' `
    + `to the plugins of this project's config (inline projects in test.projects need "extends: true" to inherit root plugins).`,
  )
}
