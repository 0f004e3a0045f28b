import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createReadStream, existsSync, openAsBlob, promises, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, beforeEach, describe, expect, inject, it } from 'vitest'
import { recordReads } from '../../src/runtime/read-recorder.js'
import { recordedInputs } from '../../src/runtime/recorded-inputs.js'
import { composeKey } from '../../src/shared/key.js'
import { changedRecordedInputs } from '../../src/shared/recorded-check.js'

let workspace: string
const scope = () => ({ workspace, ignored: [join(workspace, '.cache')] })
const names = (inputs: Array<{ name: string }>) => inputs.map(input => input.name)

beforeEach(() => {
  workspace = mkdtempSync(join(tmpdir(), 'vfc-rec-'))
  for (const [path, content] of Object.entries({ 'data/a.txt': 'a', 'data/b.txt': 'b', 'node_modules/pkg/x.js': 'x', '.cache/entry': 'e' })) {
    mkdirSync(join(workspace, path, '..'), { recursive: true })
    writeFileSync(join(workspace, path), content)
  }
})
afterEach(() => rmSync(workspace, { recursive: true, force: true }))

describe('recorded reads', () => {
  it('records contents, listings, checks and env reads in every form, inside the workspace only', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'vfc-outside-'))
    writeFileSync(join(outside, 'o.txt'), 'o')
    process.env.VFC_SEED = '1'
    writeFileSync(join(workspace, 'data/blob.txt'), 'blob')
    const { recording } = await recordReads(async () => {
      readFileSync(join(workspace, 'data/a.txt'), 'utf8')
      await readFile(join(workspace, 'data/b.txt'))
      await new Promise<void>(resolve => createReadStream(join(workspace, 'data/a.txt')).on('close', () => resolve()).resume())
      await (await openAsBlob(join(workspace, 'data/blob.txt'))).text()
      readdirSync(join(workspace, 'data'))
      existsSync(join(workspace, 'data/missing.txt'))
      statSync(join(workspace, 'data/b.txt'))
      statSync(join(workspace, 'data/a.txt'))
      readFileSync(join(workspace, 'node_modules/pkg/x.js'))
      readFileSync(join(workspace, '.cache/entry'))
      existsSync(join(workspace, '.cache'))
      readFileSync(join(outside, 'o.txt'))
      return process.env.VFC_SEED
    })
    expect(names(recordedInputs(recording, scope()))).toEqual([
      'env VFC_SEED read by the factory',
      'file data/a.txt read by the factory',
      'file data/b.txt read by the factory',
      'file data/blob.txt read by the factory',
      'folder data/ listed by the factory',
      'path data/missing.txt checked by the factory',
    ])
    // A file whose content was read is not inspected apart: its content says its size.
    expect(names(recordedInputs(recording, scope())).filter(name => name.includes('inspected'))).toEqual([])
    rmSync(outside, { recursive: true, force: true })
  })

  it('inspects a file only stat\'ed by its kind and size, not its time or content; a folder read recursively by every folder under it', async () => {
    mkdirSync(join(workspace, 'data/deep/er'), { recursive: true })
    const { recording } = await recordReads(() => {
      statSync(join(workspace, 'data/a.txt'))
      readdirSync(join(workspace, 'data/deep'), { recursive: true })
    })
    const inputs = recordedInputs(recording, scope())
    expect(names(inputs)).toEqual(['folder data/deep/ listed by the factory', 'folder data/deep/er/ listed by the factory', 'path data/a.txt inspected by the factory'])
    writeFileSync(join(workspace, 'data/a.txt'), 'b')
    expect(changedRecordedInputs(inputs, scope())).toEqual([])
    writeFileSync(join(workspace, 'data/a.txt'), 'bigger')
    writeFileSync(join(workspace, 'data/deep/er/new.txt'), 'new')
    expect(changedRecordedInputs(inputs, scope())).toEqual(['folder data/deep/er/ listed by the factory', 'path data/a.txt inspected by the factory'])
  })

  it('digests each text as the factory read it, small or large, synchronously or not: as the check reads the bytes', async () => {
    const large = 'x'.repeat(100_000)
    writeFileSync(join(workspace, 'data/large.txt'), large)
    const { recording } = await recordReads(async () => {
      const small = readFileSync(join(workspace, 'data/a.txt'), 'utf8')
      // Changed after the read: the input is what the factory saw, not what the build left.
      writeFileSync(join(workspace, 'data/a.txt'), 'changed')
      return [small, readFileSync(join(workspace, 'data/large.txt'), 'utf8'), await readFile(join(workspace, 'data/b.txt'), 'utf8')]
    })
    const inputs = recordedInputs(recording, scope())
    expect(changedRecordedInputs(inputs, scope())).toEqual(['file data/a.txt read by the factory'])
    writeFileSync(join(workspace, 'data/a.txt'), 'a')
    expect(changedRecordedInputs(inputs, scope())).toEqual([])
    writeFileSync(join(workspace, 'data/large.txt'), `${large}y`)
    writeFileSync(join(workspace, 'data/b.txt'), 'c')
    expect(changedRecordedInputs(inputs, scope()).sort()).toEqual(['file data/b.txt read by the factory', 'file data/large.txt read by the factory'])
  })

  it('records nothing inside an ignored folder that holds the whole workspace', async () => {
    const { recording } = await recordReads(() => readFileSync(join(workspace, 'data/a.txt')))
    expect(recordedInputs(recording, { workspace, ignored: [join(workspace, '..')] })).toEqual([])
    expect(names(recordedInputs(recording, { workspace, ignored: [join(tmpdir(), 'elsewhere')] }))).toEqual(['file data/a.txt read by the factory'])
  })

  it('counts a workspace package read through its link in node_modules, by its own path', async () => {
    mkdirSync(join(workspace, 'packages/db/migrations'), { recursive: true })
    writeFileSync(join(workspace, 'packages/db/migrations/1.sql'), 'create table a ();')
    mkdirSync(join(workspace, 'node_modules/@org'), { recursive: true })
    symlinkSync(join(workspace, 'packages/db'), join(workspace, 'node_modules/@org/db'))
    const { recording } = await recordReads(() => readFileSync(join(workspace, 'node_modules/@org/db/migrations/1.sql')))
    expect(names(recordedInputs(recording, scope()))).toEqual(['file packages/db/migrations/1.sql read by the factory'])
    // Through the link and by its own path in one build: one input, with the content's digest.
    const both = await recordReads(() => [readFileSync(join(workspace, 'node_modules/@org/db/migrations/1.sql'), 'utf8'), readFileSync(join(workspace, 'packages/db/migrations/1.sql'), 'utf8')])
    expect(recordedInputs(both.recording, scope())).toEqual(recordedInputs(recording, scope()))
  })

  it('names the same inputs whatever order the factory read them in: the entry\'s id is the same', async () => {
    const reads = [() => readFileSync(join(workspace, 'data/b.txt')), () => readdirSync(join(workspace, 'data')), () => process.env.SEED, () => readFileSync(join(workspace, 'data/a.txt')), () => statSync(join(workspace, 'data/c.txt'), { throwIfNoEntry: false })]
    const forwards = recordedInputs((await recordReads(() => reads.forEach(read => read()))).recording, scope())
    const backwards = recordedInputs((await recordReads(() => [...reads].reverse().forEach(read => read()))).recording, scope())
    // Files read where their names go, in the order read; the others in the names' order.
    expect(names(forwards)).toEqual(['env SEED read by the factory', 'file data/b.txt read by the factory', 'file data/a.txt read by the factory', 'folder data/ listed by the factory', 'path data/c.txt inspected by the factory'])
    expect(new Set(backwards)).toEqual(new Set(forwards))
    expect(composeKey(backwards)).toBe(composeKey(forwards))
  })

  it('keeps concurrent builds apart, and records nothing outside a build', async () => {
    readFileSync(join(workspace, 'data/b.txt'))
    const [first, second] = await Promise.all([
      recordReads(async () => {
        await sleep(5)
        return readFileSync(join(workspace, 'data/a.txt'))
      }),
      recordReads(async () => {
        const text = await promises.readFile(join(workspace, 'data/b.txt'), 'utf8')
        await sleep(10)
        return text
      }),
    ])
    expect(names(recordedInputs(first.recording, scope()))).toEqual(['file data/a.txt read by the factory'])
    expect(names(recordedInputs(second.recording, scope()))).toEqual(['file data/b.txt read by the factory'])
  })

  it('records a build that outlives another, and builds after them (the storage is off only between builds)', async () => {
    const [short, long] = await Promise.all([
      recordReads(() => readFileSync(join(workspace, 'data/a.txt'))),
      recordReads(async () => {
        await sleep(10)
        return readFileSync(join(workspace, 'data/b.txt'))
      }),
    ])
    const later = await recordReads(async () => {
      await sleep(1)
      return readFileSync(join(workspace, 'data/a.txt'))
    })
    expect(names(recordedInputs(short.recording, scope()))).toEqual(['file data/a.txt read by the factory'])
    expect(names(recordedInputs(long.recording, scope()))).toEqual(['file data/b.txt read by the factory'])
    expect(names(recordedInputs(later.recording, scope()))).toEqual(['file data/a.txt read by the factory'])
  })

  it('counts what the factory wrote and left, when the value holds its path, as a path that must still exist; never as content it read; nor variables read by listing the environment', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'vfc-out-'))
    const { recording, value } = await recordReads(() => {
      writeFileSync(join(workspace, 'data/made.txt'), 'made')
      readFileSync(join(workspace, 'data/made.txt'))
      mkdirSync(join(outside, 'db'))
      writeFileSync(join(outside, 'db', 'data.db'), 'rows')
      writeFileSync(join(workspace, 'data/scratch.txt'), 'gone again')
      rmSync(join(workspace, 'data/scratch.txt'))
      writeFileSync(join(workspace, '.cache/ours'), 'the cache')
      return { database: join(outside, 'db', 'data.db'), variables: Object.keys({ ...process.env }).length }
    })
    // data/made.txt is left behind too, but the value does not name it (a log).
    const inputs = recordedInputs(recording, scope(), text => JSON.stringify(value).includes(text))
    expect(names(inputs)).toEqual([`path ${join(outside, 'db')} written by the factory`])
    writeFileSync(join(outside, 'db', 'data.db'), 'changed by a test: not checked')
    expect(changedRecordedInputs(inputs, scope())).toEqual([])
    rmSync(outside, { recursive: true })
    expect(changedRecordedInputs(inputs, scope())).toEqual([`path ${join(outside, 'db')} written by the factory`])
  })

  it('says which recorded inputs changed, by content', async () => {
    process.env.VFC_SEED = '1'
    const { recording } = await recordReads(() => readFileSync(join(workspace, 'data/a.txt'), 'utf8') + process.env.VFC_SEED + readdirSync(join(workspace, 'data')).length)
    const inputs = recordedInputs(recording, scope())
    expect(changedRecordedInputs(inputs, scope())).toEqual([])
    // Same content written again: unchanged.
    writeFileSync(join(workspace, 'data/a.txt'), 'a')
    expect(changedRecordedInputs(inputs, scope())).toEqual([])
    writeFileSync(join(workspace, 'data/a.txt'), 'A')
    writeFileSync(join(workspace, 'data/c.txt'), 'c')
    process.env.VFC_SEED = '2'
    expect(changedRecordedInputs(inputs, scope())).toEqual(['env VFC_SEED read by the factory', 'file data/a.txt read by the factory', 'folder data/ listed by the factory'])
    delete process.env.VFC_SEED
  })

  it('records the provided values a build injects, never the package\'s own, and says when one changed', async () => {
    const provided = (globalThis as { __vitest_worker__?: { providedContext: Record<string, unknown> } }).__vitest_worker__!.providedContext
    provided.vfcGreeting = { text: 'hello' }
    provided.vfcUnread = 1
    const { recording } = await recordReads(() => [inject('vfcGreeting' as never), inject('vitest-fixture-cache' as never)])
    inject('vfcUnread' as never)
    const inputs = recordedInputs(recording, scope())
    expect(names(inputs)).toEqual([`inject('vfcGreeting') read by the factory`])
    provided.vfcGreeting = { text: 'hello' }
    provided.vfcUnread = 2
    expect(changedRecordedInputs(inputs, scope())).toEqual([])
    provided.vfcGreeting = { text: 'bye' }
    expect(changedRecordedInputs(inputs, scope())).toEqual([`inject('vfcGreeting') read by the factory`])
  })
})
