import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { acquireLock } from '../../src/store/lock.js'

const built = resolve(import.meta.dirname, '../../dist/store/lock.js')
let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vfc-lock-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

/** Another process takes the lock, says so, then blocks its event loop for `blockMs` (or forever). */
function holder(path: string, blockMs: number) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', `
    import { acquireLock } from ${JSON.stringify(built)}
    const release = await acquireLock(${JSON.stringify(path)})
    console.log('locked')
    const until = Date.now() + ${blockMs}
    while (Date.now() < until) {}
    release()
  `], { stdio: ['ignore', 'pipe', 'inherit'] })
  const locked = new Promise<void>(resolve => child.stdout.once('data', () => resolve()))
  const exited = new Promise<void>(resolve => child.on('exit', () => resolve()))
  return { child, locked, exited }
}

it('waits for a live holder that blocks its event loop, however long', async () => {
  const path = join(dir, 'entry.lock')
  const other = holder(path, 2500)
  await other.locked
  const started = Date.now()
  const release = await acquireLock(path)
  expect(Date.now() - started).toBeGreaterThan(2000)
  release()
  await other.exited
})

it('takes over the lock of a SIGKILLed holder within a second', async () => {
  const path = join(dir, 'entry.lock')
  const other = holder(path, 60_000)
  await other.locked
  other.child.kill('SIGKILL')
  await other.exited
  const started = Date.now()
  const release = await acquireLock(path)
  expect(Date.now() - started).toBeLessThan(1000)
  release()
  expect(existsSync(path)).toBe(false)
})

it('hands the lock to one waiter at a time', async () => {
  const path = join(dir, 'entry.lock')
  let inside = 0
  let most = 0
  await Promise.all(Array.from({ length: 5 }, async () => {
    const release = await acquireLock(path)
    most = Math.max(most, ++inside)
    await new Promise(resolve => setTimeout(resolve, 30))
    inside--
    release()
  }))
  expect(most).toBe(1)
})
