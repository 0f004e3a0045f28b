// `npm run bench`: every benchmark side by side in one process; a table, and bench/results.json.
import { writeFileSync } from 'node:fs'
import { run as convoy } from './convoy.mjs'
import { run as directories } from './directories.mjs'
import { run as fingerprint } from './fingerprint.mjs'
import { run as handoff } from './handoff.mjs'
import { run as mixed } from './mixed.mjs'
import { run as recording } from './recording.mjs'
import { run as remote } from './remote.mjs'
import { run as scaling } from './scaling.mjs'
import { run as suite } from './suite.mjs'

const rows = [...suite(), ...convoy(), ...scaling(), ...handoff(), ...mixed(), ...await remote(), ...await directories(), ...await fingerprint(), ...await recording()]
console.table(rows)
writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify({ node: process.version, date: new Date().toISOString(), rows }, null, 2)}\n`)
const missed = rows.filter(row => row.met === false)
console.log(missed.length ? `${missed.length} goal(s) not met: ${missed.map(row => row.benchmark).join('; ')}` : 'every goal met')
