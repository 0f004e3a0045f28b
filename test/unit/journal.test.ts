import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { claimJournal, readJournal, sweepOldJournals } from '../../src/node/journal.js'

const made: string[] = []
function journal(label: string, owner?: object): string {
  const folder = join(tmpdir(), `vitest-fixture-cache-test-${label}-${process.pid}-${Math.random().toString(16).slice(2)}`)
  mkdirSync(folder)
  writeFileSync(join(folder, '123-0.jsonl'), '{"type":"building","name":"x","startedAt":0}\n')
  if (owner) writeFileSync(join(folder, 'owner.json'), JSON.stringify(owner))
  made.push(folder)
  return folder
}

afterEach(() => {
  for (const folder of made.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe('journal sweep', () => {
  it('removes a killed run\'s journal at once, and keeps those of live runs, other machines and older versions', () => {
    // A process that has exited: its pid names no running process.
    const exited = spawnSync(process.execPath, ['-e', '']).pid!
    const killed = journal('killed', { host: hostname(), pid: exited })
    const live = journal('live')
    claimJournal(live)
    const elsewhere = journal('elsewhere', { host: `not-${hostname()}`, pid: exited })
    const unnamed = journal('unnamed')
    // Killed while clearing (its lines gone, then its owner) or while naming its owner.
    const cleared = journal('cleared')
    rmSync(join(cleared, '123-0.jsonl'))
    const naming = journal('naming')
    rmSync(join(naming, '123-0.jsonl'))
    writeFileSync(join(naming, 'owner.json.999.tmp'), '{"ho')
    sweepOldJournals()
    expect(existsSync(killed)).toBe(false)
    expect(existsSync(cleared)).toBe(false)
    expect(existsSync(naming)).toBe(false)
    expect(existsSync(live)).toBe(true)
    expect(existsSync(elsewhere)).toBe(true)
    expect(existsSync(unnamed)).toBe(true)
  })
})

describe('reading the journal', () => {
  it('reads every whole line of every worker, and skips a line a killed worker left torn', () => {
    const folder = journal('read')
    const warning = (message: string) => JSON.stringify({ type: 'warning', message })
    writeFileSync(join(folder, '456-0.jsonl'), `${warning('a\nb')}\n${warning('c')}\n{"type":"warn`)
    expect(readJournal(folder).map(line => line.type === 'warning' ? line.message : line.type).sort()).toEqual(['a\nb', 'building', 'c'])
    expect(readJournal(folder).find(line => line.type === 'building')).toMatchObject({ source: '123-0.jsonl' })
  })
})
