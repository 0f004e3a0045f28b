import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PACKAGE_NAME, resolveCacheDir } from '../shared/cache-dir.js'

/** What the CLI needs of the plugin's options (read from the loaded config, not from the plugin's code). */
interface PluginOptions {
  dir?: string
}

// Vitest's own order: its config first, then Vite's, each in these extensions.
const CONFIG_FILES = ['vitest.config', 'vite.config'].flatMap(name =>
  ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'].map(extension => `${name}${extension}`))

type Loader = (env: { command: 'serve', mode: string }, file: string, root: string, logLevel: 'silent') =>
  Promise<{ config: { root?: string, test?: { root?: string }, plugins?: unknown[] } } | null>

/**
 * The cache dir the plugin would use with the Vitest config of `cwd` (or `configFile`), as the
 * config file sets it; null when there is no config or no fixtureCache() plugin in it.
 * The config is loaded the way Vite loads it, so a `dir` computed in it is seen too.
 */
export async function configuredCacheDir(cwd: string, configFile?: string): Promise<string | null> {
  const file = configFile ? resolve(cwd, configFile) : CONFIG_FILES.map(name => join(cwd, name)).find(existsSync)
  if (!file) return null
  if (!existsSync(file)) throw new Error(`no such file ${file}`)
  const loaded = await (await viteConfigLoader())({ command: 'serve', mode: 'test' }, file, cwd, 'silent')
  if (!loaded) return null
  const options = await findPluginOptions(loaded.config.plugins ?? [])
  if (!options) return null
  const root = resolve(cwd, loaded.config.test?.root ?? loaded.config.root ?? '.')
  return resolveCacheDir(options, root, process.env)
}

/** Vite as Vitest resolves it: Vite is Vitest's dependency, not ours. */
async function viteConfigLoader(): Promise<Loader> {
  const vitest = createRequire(import.meta.url).resolve('vitest/package.json')
  const vite = createRequire(vitest).resolve('vite')
  return ((await import(pathToFileURL(vite).href)) as { loadConfigFromFile: Loader }).loadConfigFromFile
}

/** Plugins may be nested in arrays and promises, as Vite allows. */
async function findPluginOptions(plugins: unknown[]): Promise<PluginOptions | null> {
  for (const entry of plugins) {
    const plugin = await entry
    if (Array.isArray(plugin)) {
      const found = await findPluginOptions(plugin)
      if (found) return found
    }
    else if (isOurPlugin(plugin)) {
      return plugin.api.options
    }
  }
  return null
}

function isOurPlugin(plugin: unknown): plugin is { api: { options: PluginOptions } } {
  const candidate = plugin as { name?: unknown, api?: { options?: unknown } } | null
  return candidate?.name === PACKAGE_NAME && typeof candidate.api?.options === 'object'
}
