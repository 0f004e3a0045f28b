// At the end of a run, what workers built and stored locally is shared with the remote tier. The
// main process does it: workers may be gone by then, and one place bounds how long the run waits.
import type { JournalLine, WorkerConfig } from '../shared/protocol.js'
import { setTimeout as sleep } from 'node:timers/promises'
import { formatBytes } from '../shared/units.js'
import { openRemote, openStore } from '../store/open-store.js'

// How long the end of a run waits for uploads in all; what is left is not shared this time.
const SHARE_BUDGET_MS = 30_000
const PARALLEL_UPLOADS = 4

type Stored = Extract<JournalLine, { type: 'stored' }>

/** Uploads the entries this run stored; returns the summary's words for it, and warnings. */
export async function shareBuilt(config: WorkerConfig, lines: readonly JournalLine[]): Promise<{ line?: string, warnings: string[] }> {
  const warnings: string[] = []
  // The one place that writes to a shared cache: only runs that enabled writing (trusted ones), never readonly.
  if (!config.remote?.write || config.mode === 'readonly' || config.mode === 'off') return { warnings }
  const stored = [...new Map(lines.flatMap(line => (line.type === 'stored' ? [[`${line.file}\0${line.name}\0${line.id}`, line] as const] : []))).values()]
  if (!stored.length) return { warnings }
  const remote = openRemote(config.remote)
  const store = openStore(config.dir, { readonly: true })
  const warn = (message: string): void => {
    if (!warnings.includes(message)) warnings.push(message)
  }
  let shared = 0
  let bytes = 0
  let done = 0
  const queue = [...stored]
  const upload = async (entry: Stored): Promise<void> => {
    const slot = { name: entry.name, file: entry.file, node: entry.node }
    const data = store.entryBytes(slot, entry.id)
    if (data && await remote.upload(slot, entry.key, data, entry.buildMs, warn)) {
      shared++
      bytes += data.length
    }
    done++
  }
  const uploads = Promise.all(Array.from({ length: PARALLEL_UPLOADS }, async () => {
    for (let entry = queue.shift(); entry; entry = queue.shift()) await upload(entry)
  }))
  const finished = await Promise.race([uploads.then(() => true), sleep(SHARE_BUDGET_MS, false, { ref: false })])
  if (!finished) warn(`${stored.length - done} of ${stored.length} entries were not shared with the remote cache within ${SHARE_BUDGET_MS / 1000} s; the next run that builds them shares them`)
  return { line: shared ? `shared ${shared} with the remote cache (${formatBytes(bytes)})` : undefined, warnings }
}
