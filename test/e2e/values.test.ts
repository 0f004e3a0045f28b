import { expect, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const RICH = `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'

const test = base.extend({
  rich: cached(async () => {
    appendFileSync('builds.log', 'rich\\n')
    const node: { name: string, self?: unknown } = { name: 'loop' }
    node.self = node
    return {
      map: new Map<string, number[]>([['a', [1, 2]]]),
      set: new Set(['x', 'y']),
      date: new Date('2024-01-02T03:04:05.006Z'),
      big: 12345678901234567890n,
      bytes: new Uint8Array([1, 2, 255]),
      floats: new Float64Array([0.5, -0]),
      buffer: Buffer.from('hi'),
      regexp: /a+b/gi,
      nothing: undefined,
      nan: Number.NaN,
      node,
    }
  }),
})

test('values survive the cache', ({ rich }) => {
  expect(rich.map).toBeInstanceOf(Map)
  expect(rich.map.get('a')).toEqual([1, 2])
  expect(rich.set).toEqual(new Set(['x', 'y']))
  expect(rich.date).toBeInstanceOf(Date)
  expect(rich.date.toISOString()).toBe('2024-01-02T03:04:05.006Z')
  expect(rich.big).toBe(12345678901234567890n)
  expect(rich.bytes).toBeInstanceOf(Uint8Array)
  expect([...rich.bytes]).toEqual([1, 2, 255])
  expect(rich.floats).toBeInstanceOf(Float64Array)
  expect(Object.is(rich.floats[1], -0)).toBe(true)
  expect(Buffer.isBuffer(rich.buffer)).toBe(true)
  expect(rich.buffer.toString()).toBe('hi')
  expect(rich.regexp.source).toBe('a+b')
  expect(rich.regexp.flags).toBe('gi')
  expect('nothing' in rich).toBe(true)
  expect(rich.nan).toBeNaN()
  expect(rich.node.self).toBe(rich.node)
})
`

it('keeps Map, Set, Date, BigInt, typed arrays, Buffer and cycles equal on a miss and on a hit', async () => {
  const project = Project.create({ 'test/rich.test.ts': RICH })
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['rich'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])
})

it('keeps the extra properties of a long array of records, on a miss and on a hit', async () => {
  const project = Project.create({ 'test/extras.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  rows: cached(async () => {
    appendFileSync('builds.log', 'rows\\n')
    return Object.assign(Array.from({ length: 5000 }, (_, id) => ({ id })), { total: 5000 })
  }),
})
test('the array keeps its extra property', ({ rows }) => {
  expect([rows.length, rows[4999]!.id, rows.total]).toEqual([5000, 4999, 5000])
})
` })
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['rows'])
})

const RECORDS = `
import { appendFileSync, writeFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'

const make = () => ({
  title: 'catalogue',
  rows: Array.from({ length: 100 }, (_, index) => ({ '2': index, id: index, name: 'row "' + index + '"\\n', tags: ['a', { deep: [index] }], score: index % 3 ? index / 3 : null })),
  groups: [Array.from({ length: 40 }, (_, index) => ({ key: 'k' + index }))],
})
const test = base.extend({
  records: cached(async () => {
    appendFileSync('builds.log', 'records\\n')
    return make()
  }),
})

test('records come back exactly, in their own copy', ({ records }) => {
  expect(JSON.stringify(records)).toBe(JSON.stringify(make()))
  expect(Object.keys(records.rows[5]!)).toEqual(['2', 'id', 'name', 'tags', 'score'])
  // Objects of the test's own realm, in the vm pools too.
  expect(records.rows).toBeInstanceOf(Array)
  expect(Object.getPrototypeOf(records.rows[5])).toBe(Object.prototype)
  writeFileSync('seen.json', JSON.stringify(records))
  records.rows[0]!.tags.push('changed')
})
test('a second use gets a fresh copy', ({ records }) => {
  expect(records.rows[0]!.tags).toEqual(['a', { deep: [0] }])
})
`

it('gives back long arrays of records exactly (stored as columns) on a miss and on a hit', async () => {
  const project = Project.create({ 'test/records.test.ts': RECORDS })
  await runOk(project)
  await runOk(project)
  await runOk(project, ['--pool=vmThreads'])
  expect(project.takeBuilds()).toEqual(['records'])
  const entry = project.cacheEntries()[0]!
  const header = JSON.parse(project.read(`node_modules/.cache/vitest-fixture-cache/${entry}`).split('\n')[0]!) as { codec: string }
  expect(header.codec).toBe('json-tables')
})

it('fails with the fixture name and the path when a value holds a function', async () => {
  const project = Project.create({
    'test/bad.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  corpus: cached(async () => ({ items: [0, 1, 2, { parse: (text: string) => text }] })),
})
test('uses corpus', ({ corpus }) => { expect(corpus).toBeDefined() })
`,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  expect(result.output).toContain('corpus.items[3].parse is a function; give cached() a serializer or return plain data')
  expect(project.cacheEntries()).toEqual([])
})

it('names parts of a value that share bytes, which a copy would part', async () => {
  const project = Project.create({
    'test/bad.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
const test = base.extend({
  file: cached(async () => {
    const raw = Buffer.from('HEADERbody of the file')
    return { raw, header: raw.subarray(0, 6) }
  }),
})
test('a write through the header shows in the raw bytes', ({ file }) => {
  file.header[0] = 0x68
  expect(file.raw.toString('latin1', 0, 6)).toBe('hEADER')
})
`,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  expect(result.output).toContain('file.header shares its bytes with file.raw, which no stored copy keeps')
  expect(project.cacheEntries()).toEqual([])
})

it('names a class instance that would come back as a plain object', async () => {
  const project = Project.create({
    'test/bad.test.ts': `
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
class Tokenizer { split(text: string) { return text.split(' ') } }
const test = base.extend({
  tools: cached(async () => ({ byName: new Map([['words', new Tokenizer()]]) })),
})
test('uses tools', ({ tools }) => { expect(tools).toBeDefined() })
`,
  })
  const result = await project.run()
  expect(result.code).toBe(1)
  expect(result.output).toContain('tools.byName.get("words") is an instance of Tokenizer, which would come back as a plain object')
})

it('stores values through a custom serializer', async () => {
  const project = Project.create({
    'test/custom.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
class Point { constructor(public x: number, public y: number) {} norm() { return Math.hypot(this.x, this.y) } }
const test = base.extend({
  point: cached(async () => {
    appendFileSync('builds.log', 'point\\n')
    return new Point(3, 4)
  }, {
    serializer: {
      serialize: (point: Point) => JSON.stringify([point.x, point.y]),
      deserialize: (bytes: Buffer) => new Point(...(JSON.parse(bytes.toString()) as [number, number])),
    },
  }),
})
test('point', ({ point }) => { expect(point.norm()).toBe(5) })
`,
  })
  await runOk(project)
  await runOk(project)
  expect(project.takeBuilds()).toEqual(['point'])
})
