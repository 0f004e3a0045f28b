// `npm run bench`: every benchmark, a table, and bench/results.json. Each benchmark runs in a
// process of its own, its variants side by side in it: what one benchmark leaves in the heap (a
// million records, a server's sockets) then never slows the next one's measurements.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'

const BENCHMARKS = ['suite', 'convoy', 'scaling', 'handoff', 'mixed', 'remote', 'directories', 'fingerprint', 'recording']
const ROWS = 'bench rows: '

const only = process.argv[2]
if (only) {
  const { run } = await import(`./${only}.mjs`)
  console.log(`${ROWS}${JSON.stringify(await run())}`)
}
else {
  const rows = BENCHMARKS.flatMap((name) => {
    const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 })
    const line = child.stdout.split('\n').find(text => text.startsWith(ROWS))
    if (child.status !== 0 || !line) throw new Error(`benchmark ${name} failed (exit ${child.status}):\n${child.stdout}`)
    return JSON.parse(line.slice(ROWS.length))
  })
  console.table(rows)
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2)}\n`)
  const missed = rows.filter(row => row.met === false)
  console.log(missed.length ? `${missed.length} goal(s) not met: ${missed.map(row => row.benchmark).join('; ')}` : 'every goal met')
}
