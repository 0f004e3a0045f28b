#!/usr/bin/env node
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { cac } from 'cac'
import { DEFAULT_DIR } from '../shared/cache-dir.js'
import { describeError } from '../shared/describe-error.js'
import { clear, explain, info, list, openExisting, prune } from './commands.js'
import { configuredCacheDir } from './configured-dir.js'
import { UsageError } from './format.js'

const cli = cac('vitest-fixture-cache')
cli.option('--dir <dir>', `Cache directory (default: $FIXTURE_CACHE_DIR, else the plugin's dir in the Vitest config, else ${DEFAULT_DIR})`)
cli.option('--config <file>', 'Vitest config to read the plugin\'s dir from (default: vitest.config.* or vite.config.* here)')

interface GlobalOptions { dir?: string, config?: string }

/** The dir the plugin would use, seen from the current folder. */
async function cacheDir(options: GlobalOptions): Promise<string> {
  if (options.dir) return resolve(options.dir)
  if (process.env.FIXTURE_CACHE_DIR) return resolve(process.env.FIXTURE_CACHE_DIR)
  try {
    const configured = await configuredCacheDir(process.cwd(), options.config)
    if (configured) return configured
  }
  catch (error) {
    // An explicit --config must work; the implicit one only improves the default.
    if (options.config) throw new UsageError(`cannot load ${options.config}: ${describe(error)}`)
    console.error(`vitest-fixture-cache: cannot load the Vitest config (${describe(error)}); using ${DEFAULT_DIR}, or pass --dir`)
  }
  return resolve(DEFAULT_DIR)
}

function describe(error: unknown): string {
  return describeError(error).replace(/\s+/g, ' ').trim().slice(0, 300)
}

async function run(options: GlobalOptions, action: (dir: string) => string): Promise<void> {
  try {
    console.log(action(await cacheDir(options)))
  }
  catch (error) {
    console.error(`vitest-fixture-cache: ${describe(error)}`)
    process.exitCode = error instanceof UsageError || error instanceof RangeError ? 2 : 1
  }
}

cli.command('list', 'List cached fixture entries')
  .option('--json', 'Print JSON')
  .action((options: GlobalOptions & { json?: boolean }) => run(options, dir => list(openExisting(dir), !!options.json)))

cli.command('explain [...names]', 'Show what each entry\'s key is made of: its named inputs (code, packages, files, env, upstream values, Node) and the reads recorded while it was built')
  .option('--json', 'Print JSON')
  .action((names: string[], options: GlobalOptions & { json?: boolean }) => run(options, dir => explain(openExisting(dir), names, !!options.json)))

cli.command('status [...names]', 'Dry run: say which cached fixtures the next run would reuse or rebuild, and why, without running tests or factories (loads the Vitest config)')
  .option('--json', 'Print JSON')
  .action(async (names: string[], options: GlobalOptions & { json?: boolean }) => {
    try {
      const { status } = await import('./status.js')
      console.log(await status(options, names, !!options.json))
    }
    catch (error) {
      console.error(`vitest-fixture-cache: ${describe(error)}`)
      process.exitCode = error instanceof UsageError ? 2 : 1
    }
  })

cli.command('clear [...names]', 'Remove all entries, or those of the named fixtures')
  .action((names: string[], options: GlobalOptions) => run(options, dir => clear(openExisting(dir), names)))

cli.command('prune', 'Remove leftovers, then least recently used entries beyond the limits')
  .option('--max-size <size>', 'Keep at most this much, e.g. 2GB')
  .option('--older-than <age>', 'Remove entries not used for this long, e.g. 30d')
  .action((options: GlobalOptions & { maxSize?: string, olderThan?: string }) => run(options, dir => prune(openExisting(dir), options)))

cli.command('info', 'Show the cache directory, its size and format')
  .action((options: GlobalOptions) => run(options, dir => info(openExisting(dir))))

// A command's own help starts with what it does (cac shows descriptions only in the command list).
cli.help((sections) => {
  const description = cli.matchedCommand?.description
  return description ? [sections[0]!, { body: description }, ...sections.slice(1)] : sections
})
cli.version((createRequire(import.meta.url)('../../package.json') as { version: string }).version)
try {
  cli.parse()
}
catch (error) {
  // cac's own usage errors (unused arguments, a missing option value): one line, exit 2.
  console.error(`vitest-fixture-cache: ${describe(error)}; see --help`)
  process.exit(2)
}
if (!cli.matchedCommand && !cli.options.help && !cli.options.version) {
  if (cli.args.length) {
    console.error(`vitest-fixture-cache: unknown command "${cli.args.join(' ')}"; see --help`)
    process.exitCode = 2
  }
  else {
    cli.outputHelp()
  }
}
