import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { PACKAGE_NAME } from '../shared/cache-dir.js'
import { DRY_RUN } from '../shared/protocol.js'
import { table, UsageError } from './format.js'

/** One row of the dry run, as the plugin answers it. */
interface FixtureStatus {
  name: string
  file: string
  verdict: 'reuse' | 'rebuild' | 'unsure'
  reason: string
  unchecked: string[]
  projects?: string[]
}

interface StatusPlugin { name: string, api: { status: (vitest: unknown) => Promise<FixtureStatus[]> } }
interface VitestLike { projects: Array<{ vite: { config: { plugins: readonly unknown[] } } }>, close: () => Promise<void> }
type CreateVitest = (mode: 'test', options: Record<string, unknown>, viteOverrides?: object, vitestOptions?: object) => Promise<VitestLike>

/**
 * `status`: starts Vitest on the project (its config, its projects, its resolver) without running
 * anything, and asks the plugin what the next run would do with each cached fixture.
 */
export async function status(options: { dir?: string, config?: string }, names: string[], json: boolean): Promise<string> {
  if (options.dir) process.env.FIXTURE_CACHE_DIR = resolve(options.dir)
  ;(globalThis as Record<symbol, unknown>)[DRY_RUN] = true
  const vitestNode = createRequire(import.meta.url).resolve('vitest/node')
  const { createVitest } = await import(pathToFileURL(vitestNode).href) as { createVitest: CreateVitest }
  const vitest = await createVitest('test', { watch: false, ...options.config ? { config: resolve(options.config) } : {} }, {}, {})
  try {
    const plugin = vitest.projects.flatMap(project => project.vite.config.plugins).find((candidate): candidate is StatusPlugin =>
      (candidate as { name?: unknown } | null)?.name === PACKAGE_NAME && typeof (candidate as StatusPlugin).api?.status === 'function')
    if (!plugin) throw new UsageError('no fixtureCache() plugin in this Vitest config; status needs it (pass --config to name another config)')
    const all = await plugin.api.status(vitest)
    const unknown = names.filter(name => !all.some(row => row.name === name))
    if (unknown.length) throw new UsageError(`no cached fixture named ${unknown.join(', ')}; cached fixtures: ${[...new Set(all.map(row => row.name))].join(', ') || 'none'}`)
    const rows = names.length ? all.filter(row => names.includes(row.name)) : all
    if (json) return JSON.stringify(rows, null, 2)
    if (!rows.length) return 'no cached fixtures found under the Vitest root'
    const counts = (['reuse', 'rebuild', 'unsure'] as const).map(verdict => [verdict, rows.filter(row => row.verdict === verdict).length] as const).filter(([, count]) => count)
    return [
      `next run (dry run, nothing was run or built): ${counts.map(([verdict, count]) => `${count} ${verdict === 'unsure' ? 'may rebuild' : `would ${verdict}`}`).join(', ')}`,
      table(rows.map(row => [
        `  ${row.verdict === 'reuse' ? '✓' : row.verdict === 'rebuild' ? '↻' : '?'} ${row.name}`,
        row.verdict,
        `${row.file}${row.projects ? ` [${row.projects.join(', ')}]` : ''}`,
        row.reason,
      ])),
      'Not seen by a dry run: what test files set up when they run (vi.mock, a @vitest-environment comment), what a key() function returns, a plain upstream fixture\'s value; and the remote cache.',
    ].join('\n')
  }
  finally {
    await vitest.close()
  }
}
