import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { INSERTIONS, SUMMARIES } from '../../../src/node/keep-on-disk.js'
import { Project, runOk } from '../../helpers/project.js'

const TEST = `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return { list: ['alpha', 'beta', 'gamma'], count: 3 }
  }),
})
test('the value is right', ({ words }) => {
  expect(words).toEqual({ list: ['alpha', 'beta', 'gamma'], count: 3 })
})
`

describe('a damaged cache means a rebuild and one warning, never a crash or a wrong value', () => {
  let project: Project
  let entry: string
  beforeEach(async () => {
    project = Project.create({ 'test/a.test.ts': TEST })
    await runOk(project)
    project.takeBuilds()
    entry = join(project.dir, 'node_modules/.cache/vitest-fixture-cache', project.cacheEntries()[0]!)
  })

  const damages: Record<string, (bytes: Buffer) => Buffer> = {
    'a flipped byte in the value': bytes => Buffer.concat([bytes.subarray(0, -3), Buffer.from([bytes.at(-3)! ^ 0x20]), bytes.subarray(-2)]),
    'a truncated entry': bytes => bytes.subarray(0, bytes.length - 5),
    'a header cut in half': bytes => bytes.subarray(0, 30),
    'a hand-edited header': bytes => Buffer.from(bytes.toString('latin1').replace('"node":"v', '"node":"x'), 'latin1'),
    'an empty file': () => Buffer.alloc(0),
  }

  for (const [damage, apply] of Object.entries(damages)) {
    it(damage, async () => {
      writeFileSync(entry, apply(readFileSync(entry)))
      const result = await runOk(project)
      expect(project.takeBuilds()).toEqual(['words'])
      expect(result.output.match(/\[vitest-fixture-cache\].*damaged/g)).toHaveLength(1)
      await runOk(project)
      expect(project.takeBuilds()).toEqual([])
    })
  }

  it('an edited module-summary document is ignored', async () => {
    const summaries = join(project.dir, 'node_modules/.cache/vitest-fixture-cache', SUMMARIES)
    writeFileSync(summaries, readFileSync(summaries, 'utf8').replace(/"digest":"[0-9a-f]/, '"digest":"0'))
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
    project.edit('test/a.test.ts', `count: 3 }`, `count: 3, extra: true }`).edit('test/a.test.ts', `count: 3 })`, `count: 3, extra: true })`)
    await runOk(project)
    expect(project.takeBuilds()).toEqual(['words'])
  })

  // (Vitest 5 keeps transformed modules itself: there the document is not read on a warm run.)
  it('an edited call-site document is ignored', async () => {
    const insertions = join(project.dir, 'node_modules/.cache/vitest-fixture-cache', INSERTIONS)
    const kept = readFileSync(insertions, 'utf8')
    const edited = kept.replace('\\"name\\":\\"words\\"', '\\"name\\":\\"wordz\\"')
    expect(edited).not.toBe(kept)
    writeFileSync(insertions, edited)
    await runOk(project)
    expect(project.takeBuilds()).toEqual([])
  })
})
