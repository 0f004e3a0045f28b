// The cost of recording what a factory reads: a factory that reads 1,000 small files, run plainly
// and with its reads recorded (variants interleaved; the median of each round's ratio), and the
// check of 1,000 recorded files that every hit pays. Goals: recording < 5 % of the factory, the
// check < 20 ms.
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { collectGarbage, median, pairedRatio } from './lib.mjs'
import { recordReads } from '../dist/runtime/read-recorder.js'
import { recordedInputs } from '../dist/runtime/recorded-inputs.js'
import { changedRecordedInputs } from '../dist/shared/recorded-check.js'

const FILES = 1000
const ROUNDS = 41
const WARM_UP = 5

export async function run() {
  const workspace = mkdtempSync(join(tmpdir(), 'vfc-bench-rec-'))
  const paths = []
  for (let index = 0; index < FILES; index++) {
    const path = join(workspace, 'data', `d${index % 10}`, `f${index}.json`)
    mkdirSync(join(path, '..'), { recursive: true })
    writeFileSync(path, JSON.stringify({ index, words: Array.from({ length: 20 }, (_, word) => `w${index}-${word}`) }))
    paths.push(path)
  }
  const scope = { workspace, ignored: [] }
  // The plain variant reads through node:fs as it was before recording was installed.
  const plainRead = fs.readFileSync
  // Two factories: one that only reads and parses (the worst case for recording: nothing but
  // reads, ~10 ms), and one that also indexes every substring of every word (~40 ms), as a
  // fixture worth caching does some work per file it reads.
  const readOnly = `return paths.map(path => JSON.parse(read(path, 'utf8')).words.length).reduce((a, b) => a + b, 0)`
  const indexing = `
    const index = new Map()
    for (const path of paths) {
      for (const word of JSON.parse(read(path, 'utf8')).words) {
        for (let start = 0; start < word.length; start++) {
          for (let end = start + 1; end <= word.length; end++) {
            const part = word.slice(start, end)
            index.set(part, (index.get(part) ?? 0) + 1)
          }
        }
      }
    }
    return index.size`
  // Each variant runs its own copy of the code, as a factory in a real run calls one readFileSync:
  // one copy shared by both would make both pay for a call site that sees two functions.
  // eslint-disable-next-line no-new-func -- the point: a second copy of the same code
  const compile = body => new Function('paths', `return read => { ${body} }`)(paths)

  let inputs = []
  const measure = async (body) => {
    const [plainFactory, recordedFactory] = [compile(body), compile(body)]
    const plain = []
    const recorded = []
    for (let round = 0; round < WARM_UP + ROUNDS; round++) {
      collectGarbage()
      let started = performance.now()
      plainFactory(plainRead)
      const plainMs = performance.now() - started
      collectGarbage()
      started = performance.now()
      const { recording } = await recordReads(() => recordedFactory(fs.readFileSync))
      inputs = recordedInputs(recording, scope)
      const recordedMs = performance.now() - started
      if (round >= WARM_UP) {
        plain.push(plainMs)
        recorded.push(recordedMs)
      }
    }
    return { plain: median(plain), recorded: median(recorded), ratio: pairedRatio(recorded, plain) }
  }
  const bare = await measure(readOnly)
  const working = await measure(indexing)
  const checks = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now()
    const changed = changedRecordedInputs(inputs, scope)
    checks.push(performance.now() - started)
    if (changed.length) throw new Error(`recorded inputs changed: ${changed[0]}`)
  }
  rmSync(workspace, { recursive: true, force: true })
  if (inputs.length !== FILES) throw new Error(`recorded ${inputs.length} inputs, expected ${FILES}`)

  const row = (label, { plain, recorded, ratio }, goal) => ({
    benchmark: `factory reading ${FILES} small files (${label}): recorded / plain`,
    measured: `${recorded.toFixed(1)} ms`,
    baseline: `${plain.toFixed(1)} ms`,
    ratio: Number(ratio.toFixed(3)),
    goal: goal ? '≤ 1.05' : '— (see README)',
    met: goal ? ratio <= 1.05 : undefined,
  })
  return [
    row('only reads and parses them', bare, false),
    row('and indexes every substring of their words', working, true),
    {
      benchmark: `check of ${FILES} recorded files on a hit`,
      measured: `${median(checks).toFixed(1)} ms`,
      baseline: '—',
      ratio: undefined,
      goal: '< 20 ms',
      met: median(checks) < 20,
    },
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run())
