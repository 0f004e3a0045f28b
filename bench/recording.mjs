// The cost of recording what a factory reads: a factory that reads 1,000 small files, run plainly
// and with its reads recorded (variants interleaved, medians), and the check of 1,000 recorded
// files that every hit pays. Goals: recording < 5 % of the factory, the check < 20 ms.
import fs, { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { median } from './lib.mjs'
import { recordReads } from '../dist/runtime/read-recorder.js'
import { changedRecordedInputs, recordedInputs } from '../dist/runtime/recorded-inputs.js'

const FILES = 1000
const ROUNDS = 15

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
  const factory = read => paths.map(path => JSON.parse(read(path, 'utf8')).words.length).reduce((a, b) => a + b, 0)

  const plain = []
  const recorded = []
  let inputs = []
  for (let round = 0; round < ROUNDS; round++) {
    let started = performance.now()
    factory(plainRead)
    plain.push(performance.now() - started)
    started = performance.now()
    const { recording } = await recordReads(() => factory(fs.readFileSync))
    inputs = recordedInputs(recording, scope)
    recorded.push(performance.now() - started)
  }
  const checks = []
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now()
    const changed = changedRecordedInputs(inputs, scope)
    checks.push(performance.now() - started)
    if (changed.length) throw new Error(`recorded inputs changed: ${changed[0]}`)
  }
  rmSync(workspace, { recursive: true, force: true })
  if (inputs.length !== FILES) throw new Error(`recorded ${inputs.length} inputs, expected ${FILES}`)

  const ratio = median(recorded) / median(plain)
  return [
    {
      benchmark: `factory reading ${FILES} small files: recorded / plain`,
      measured: `${median(recorded).toFixed(1)} ms`,
      baseline: `${median(plain).toFixed(1)} ms`,
      ratio: Number(ratio.toFixed(3)),
      goal: '≤ 1.05',
      met: ratio <= 1.05,
    },
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
