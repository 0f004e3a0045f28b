// Fingerprint cost on a generated graph of 500 TypeScript modules that one factory reaches entirely.
// Goal: < 50 ms per run once the module summaries are cached; a cold cache parses every module once.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Fingerprinter } from '../dist/node/fingerprint/fingerprinter.js'

const MODULES = 500
export async function run() {
  const root = mkdtempSync(join(tmpdir(), 'vfc-bench-fp-'))

  function write(path, content) {
    mkdirSync(dirname(join(root, path)), { recursive: true })
    writeFileSync(join(root, path), content)
}

for (let index = 0; index < MODULES; index++) {
  const imports = [...new Set([index + 1, index * 2 + 1])].filter(target => target < MODULES)
  write(`src/m${index}.ts`, `
${imports.map(target => `import { helper${target} } from './m${target}'`).join('\n')}

interface Item${index} { id: number, label: string }

const FACTOR_${index}: number = ${index}

function scale${index}(value: number): number {
  return value * FACTOR_${index} + ${imports.map(target => `helper${target}(value)`).join(' + ') || '0'}
}

export function helper${index}(value: number): number {
  const items: Item${index}[] = [{ id: value, label: 'x' }]
  return items.reduce((sum, item) => sum + scale${index}(item.id), 0)
}

export function unused${index}(): string {
  return 'not reached'
}
`)
}
write('test/fixtures.ts', `
import { cached } from 'vitest-fixture-cache'
import { helper0 } from '../src/m0'
export const fixtures = { graph: cached(async () => helper0(1)) }
`)

async function resolver(specifier, importer) {
  const base = join(dirname(importer), specifier)
  return ['.ts', ''].map(suffix => base + suffix).find(existsSync) ?? null
}

const query = { file: 'test/fixtures.ts', name: 'graph', occurrence: 0 }
const project = { resolver, define: {} }

async function time(label, runs) {
  const samples = []
  let inputs
  for (let run = 0; run < runs; run++) {
    const started = performance.now()
    inputs = (await fingerprinter.inputsFor(query, project)).inputs
    samples.push(performance.now() - started)
  }
  samples.sort((a, b) => a - b)
  return { label, median: samples[Math.floor(samples.length / 2)], inputs: inputs.length }
}

let fingerprinter = new Fingerprinter(root)
const cold = await time('cold cache (parse every module)', 1)
const warm = await time('same process (re-read, re-hash)', 9)
// What each later run pays: a new process, summaries read back from the cache dir.
const saved = JSON.stringify(Object.fromEntries(fingerprinter.usedSummaries()))
const nextRun = await (async () => {
  const started = performance.now()
  fingerprinter = new Fingerprinter(root, new Map(Object.entries(JSON.parse(saved))))
  const { inputs } = await fingerprinter.inputsFor(query, project)
  return { label: 'next run (summaries from disk)', median: performance.now() - started, inputs: inputs.length }
})()
rmSync(root, { recursive: true, force: true })

return [cold, warm, nextRun].map(({ label, median }) => ({
  benchmark: `fingerprint, ${MODULES}-module graph (1501 inputs): ${label}`,
  measured: `${median.toFixed(1)} ms`,
  baseline: '—',
  ratio: undefined,
  goal: label.startsWith('cold') ? '— (once per module content)' : '< 50 ms',
  met: label.startsWith('cold') ? undefined : median < 50,
}))
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run())
