#!/usr/bin/env node
import { resolve } from 'node:path'
import { cac } from 'cac'
import { DEFAULT_DIR } from '../node/config.js'
import { clear, info, list, openExisting, prune } from './commands.js'
import { UsageError } from './format.js'

const cli = cac('vitest-fixture-cache')
cli.option('--dir <dir>', `Cache directory (default: $FIXTURE_CACHE_DIR or ${DEFAULT_DIR})`)

// The plugin's default, seen from the current folder; a `dir` set in a vitest config needs --dir.
const cacheDir = (options: { dir?: string }): string =>
  resolve(options.dir ?? process.env.FIXTURE_CACHE_DIR ?? DEFAULT_DIR)

function run(action: () => string): void {
  try {
    console.log(action())
  }
  catch (error) {
    console.error(`vitest-fixture-cache: ${error instanceof Error ? error.message : String(error)}`)
    process.exitCode = error instanceof UsageError || error instanceof RangeError ? 2 : 1
  }
}

cli.command('list', 'List cached fixture entries')
  .option('--json', 'Print JSON')
  .action((options: { dir?: string, json?: boolean }) => run(() => list(openExisting(cacheDir(options)), !!options.json)))

cli.command('clear [...names]', 'Remove all entries, or those of the named fixtures')
  .action((names: string[], options: { dir?: string }) => run(() => clear(openExisting(cacheDir(options)), names)))

cli.command('prune', 'Remove leftovers, then least recently used entries beyond the limits')
  .option('--max-size <size>', 'Keep at most this much, e.g. 2GB')
  .option('--older-than <age>', 'Remove entries not used for this long, e.g. 30d')
  .action((options: { dir?: string, maxSize?: string, olderThan?: string }) => run(() => prune(openExisting(cacheDir(options)), options)))

cli.command('info', 'Show the cache directory, its size and format')
  .action((options: { dir?: string }) => run(() => info(openExisting(cacheDir(options)))))

cli.help()
cli.parse()
if (!cli.matchedCommand && !cli.options.help) {
  if (cli.args.length) {
    console.error(`vitest-fixture-cache: unknown command "${cli.args.join(' ')}"; see --help`)
    process.exitCode = 2
  }
  else {
    cli.outputHelp()
  }
}
