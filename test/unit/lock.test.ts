import { spawn } from 'node:child_process'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { acquireLock, isAbandoned, isSpareOwnerFile } from '../../src/store/lock.js'

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
  expect(() => lstatSync(path)).toThrow(/ENOENT/)
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

it('makes a lock as a hard link to one owner file per process: no new inode per lock', async () => {
  const releases = [await acquireLock(join(dir, 'a')), await acquireLock(join(dir, 'b'))]
  const owners = readdirSync(dir).filter(name => name.startsWith('.owner-'))
  expect(owners).toHaveLength(1)
  const owner = join(dir, owners[0]!)
  expect(statSync(join(dir, 'a')).ino).toBe(statSync(owner).ino)
  expect(statSync(join(dir, 'b')).ino).toBe(statSync(owner).ino)
  expect(JSON.parse(readFileSync(join(dir, 'a'), 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid })
  expect(isAbandoned(join(dir, 'a'))).toBe(false)
  expect(isSpareOwnerFile(owner)).toBe(false)
  for (const release of releases) release()
  expect(readdirSync(dir)).toEqual(owners)
  // No lock links to it now: a sweep may take it (Vitest's workers end without an exit event).
  expect(isSpareOwnerFile(owner)).toBe(true)
  expect(isSpareOwnerFile(join(dir, 'a'))).toBe(false)

  // A sweep that removed the owner file (another machine took it for stale) costs nothing but a new one.
  rmSync(owner)
  const release = await acquireLock(join(dir, 'c'))
  expect(readdirSync(dir).filter(name => name.startsWith('.owner-'))).toHaveLength(1)
  expect(lstatSync(join(dir, 'c')).nlink).toBe(2)
  release()
})

it('takes an owner file its process was killed while writing for spare', () => {
  const empty = join(dir, '.owner-123-abcd')
  writeFileSync(empty, '')
  expect(isSpareOwnerFile(empty)).toBe(true)
})

function lockOwnedBy(owner: object): string {
  const path = join(dir, `lock-${Math.random()}`)
  symlinkSync(JSON.stringify({ host: hostname(), ...owner }), path)
  return path
}

it('reads the lock folders of earlier versions', () => {
  const path = join(dir, 'old-lock')
  mkdirSync(path)
  writeFileSync(join(path, 'owner.json'), JSON.stringify({ host: hostname(), pid: 2 ** 22 + 12345 }))
  expect(isAbandoned(path)).toBe(true)
})

it.runIf(existsSync('/proc/self/stat'))('tells a dead owner from a live one, a zombie, and a reused pid', async () => {
  const stat = readFileSync('/proc/self/stat', 'utf8')
  const started = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  expect(isAbandoned(lockOwnedBy({ pid: process.pid, started }))).toBe(false)
  expect(isAbandoned(lockOwnedBy({ pid: process.pid, started: '1' }))).toBe(true)
  expect(isAbandoned(lockOwnedBy({ pid: 2 ** 22 + 12345 }))).toBe(true)
  // An owner file (and its hard links) left by a killed process.
  const ownerFile = join(dir, '.owner-dead')
  writeFileSync(ownerFile, JSON.stringify({ host: hostname(), pid: 2 ** 22 + 12345 }))
  expect(isAbandoned(ownerFile)).toBe(true)

  // A parent that never waits for its exited child keeps it a zombie: still "there" to kill(pid, 0).
  const parent = spawn('python3', ['-c', 'import os, time\npid = os.fork()\nif pid == 0: os._exit(0)\nprint(pid, flush=True)\ntime.sleep(30)'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const zombie = Number(await new Promise<string>(resolve => parent.stdout.once('data', (chunk: Buffer) => resolve(chunk.toString()))))
  await new Promise(resolve => setTimeout(resolve, 200))
  try {
    expect(readFileSync(`/proc/${zombie}/stat`, 'utf8')).toMatch(/\) Z /)
    expect(isAbandoned(lockOwnedBy({ pid: zombie }))).toBe(true)
  }
  finally {
    parent.kill('SIGKILL')
  }
})
