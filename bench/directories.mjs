// Folder fixtures (issue: directory fixtures). (a) Restoring a 100 MB / 10,000-file snapshot, as
// every use of a cachedDir() does, against `cp -r` of the same tree and against building it again.
// (b) The PGlite example: a test's own copy of the seeded data dir opened with `new PGlite(copy)`,
// against `loadDataDir` from a dump (what suites do by hand) and against a fresh database migrated
// and seeded. Medians of several rounds, in this process (PGlite runs in it either way).
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { copyOfSnapshot, copyRoot } from '../dist/runtime/folder-copies.js'
import { restoreDir, snapshotDir } from '../dist/runtime/dir-snapshot.js'
import { collectGarbage, median, pairedRatio } from './lib.mjs'

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5)
const seed = await import('../examples/directories/src/seed.js').catch(() => null)

function buildTree(dir) {
  const chunk = Buffer.alloc(10_000)
  for (let folder = 0; folder < 100; folder++) {
    mkdirSync(join(dir, `f${folder}`))
    for (let file = 0; file < 100; file++) {
      chunk.fill((folder * 100 + file) & 0xFF)
      writeFileSync(join(dir, `f${folder}`, `${file}.bin`), chunk)
    }
  }
}

// Each timed step starts from a collected heap: a PGlite instance leaves hundreds of MB behind,
// which the next step (whichever variant it is) would otherwise pay for.
const timed = (work) => {
  collectGarbage()
  const started = performance.now()
  work()
  return performance.now() - started
}

async function timedAsync(work) {
  collectGarbage()
  const started = performance.now()
  await work()
  return performance.now() - started
}

function trees(scratch) {
  const source = join(scratch, 'source')
  mkdirSync(source)
  const times = { restore: [], clone: [], copy: [], rebuild: [] }
  times.rebuild.push(timed(() => buildTree(source)))
  const snapshot = snapshotDir(source, 'tree')
  for (let round = 0; round < ROUNDS; round++) {
    // Where cachedDir() puts its copies (a memory file system when there is one).
    const restored = mkdtempSync(join(copyRoot(snapshot.length).root, 'vfc-bench-restore-'))
    times.restore.push(timed(() => restoreDir(snapshot, restored)))
    // The disk path: a worker's restored copy (made once, on the first use) cloned for each use.
    const disk = { root: scratch, memory: false }
    if (round === 0) rmSync(copyOfSnapshot(snapshot, 'tree', 'tree', 'bench', false, disk).path, { recursive: true, force: true })
    let cloned
    times.clone.push(timed(() => ({ path: cloned } = copyOfSnapshot(snapshot, 'tree', 'tree', 'bench', false, disk))))
    rmSync(cloned, { recursive: true, force: true })
    times.copy.push(timed(() => spawnSync('cp', ['-r', source, join(scratch, `copy-${round}`)])))
    const rebuilt = mkdtempSync(join(scratch, 'rebuild-'))
    times.rebuild.push(timed(() => buildTree(rebuilt)))
    for (const dir of [restored, join(scratch, `copy-${round}`), rebuilt]) rmSync(dir, { recursive: true, force: true })
  }
  const [restore, clone, copy, rebuild] = [times.restore, times.clone, times.copy, times.rebuild].map(median)
  return [
    { benchmark: `a cachedDir use's copy of a ${(snapshot.length / 1e6).toFixed(0)} MB / 10,000-file snapshot, on disk (cloned from the worker's restored copy; no reflink here) / cp -r of the tree`, measured: `${clone.toFixed(0)} ms`, baseline: `${copy.toFixed(0)} ms`, ratio: Number((clone / copy).toFixed(3)), goal: '' },
    { benchmark: `restore the same snapshot into ${copyRoot(snapshot.length).root} (a cachedDir use's copy where memory allows) / cp -r of the tree on disk`, measured: `${restore.toFixed(0)} ms`, baseline: `${copy.toFixed(0)} ms`, ratio: Number((restore / copy).toFixed(3)), goal: '' },
    { benchmark: 'restore the same snapshot / write the tree again (a rebuild that only writes)', measured: `${restore.toFixed(0)} ms`, baseline: `${rebuild.toFixed(0)} ms`, ratio: Number((restore / rebuild).toFixed(3)), goal: '' },
  ]
}

async function postgres(scratch) {
  const { seedPostgres } = seed
  const data = join(scratch, 'pgdata')
  await seedPostgres(data)
  const snapshot = snapshotDir(data, 'pgdata')
  const dumped = new PGlite(data)
  await dumped.waitReady
  const dump = await dumped.dumpDataDir('none')
  await dumped.close()
  const count = async db => (await db.query('SELECT count(*)::int AS n FROM posts')).rows[0].n
  const times = { copy: [], dump: [], fresh: [] }
  for (let round = 0; round < ROUNDS; round++) {
    times.copy.push(await timedAsync(async () => {
      const copy = mkdtempSync(join(copyRoot(snapshot.length).root, 'vfc-bench-pg-'))
      restoreDir(snapshot, copy)
      const db = new PGlite(copy)
      if (await count(db) !== 20_000) throw new Error('wrong copy')
      await db.close()
      rmSync(copy, { recursive: true, force: true })
    }))
    times.dump.push(await timedAsync(async () => {
      const db = new PGlite({ loadDataDir: dump })
      if (await count(db) !== 20_000) throw new Error('wrong dump')
      await db.close()
    }))
    times.fresh.push(await timedAsync(async () => {
      const fresh = join(scratch, `pg-fresh-${round}`)
      await seedPostgres(fresh)
    }))
  }
  const [copy, dumpMs, fresh] = [times.copy, times.dump, times.fresh].map(median)
  const ratio = pairedRatio(times.copy, times.dump)
  return [
    { benchmark: `PGlite (20,000 rows, ${(snapshot.length / 1e6).toFixed(0)} MB data dir): own copy + new PGlite(copy) / new PGlite({ loadDataDir }) from a dump`, measured: `${copy.toFixed(0)} ms`, baseline: `${dumpMs.toFixed(0)} ms`, ratio: Number(ratio.toFixed(3)), goal: '< 1', met: ratio < 1 },
    { benchmark: 'PGlite: own copy + open / a fresh database migrated and seeded', measured: `${copy.toFixed(0)} ms`, baseline: `${fresh.toFixed(0)} ms`, ratio: Number((copy / fresh).toFixed(3)), goal: '' },
  ]
}

export async function run() {
  const scratch = mkdtempSync(join(tmpdir(), 'vfc-bench-dirs-'))
  try {
    return [...trees(scratch), ...seed ? await postgres(scratch) : []]
  }
  finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.table(await run())
