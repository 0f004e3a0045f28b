// The dry run: for every cached fixture in the project, whether the next run would reuse it or
// rebuild it, and why, found without running a test or a factory. The code is fingerprinted as a
// run would; declared and recorded inputs are read again; what only a test can show (the value a
// `key` function returns, mocks, the test environment, a plain upstream's value) is named as not
// checked.
import type { KeyInput } from '../shared/key.js'
import type { CodeInputs, WorkerConfig } from '../shared/protocol.js'
import type { StoredEntry } from '../store/fixture-store.js'
import type { ProjectView } from './fingerprint/fingerprinter.js'
import { existsSync, readFileSync } from 'node:fs'
import { relative, resolve, sep } from 'node:path'
import { globSync } from 'tinyglobby'
import { PACKAGE_NAME } from '../shared/cache-dir.js'
import { digest } from '../shared/digest.js'
import { describeError } from '../shared/describe-error.js'
import { FORMAT_VERSION, listChanges } from '../shared/key.js'
import { builtinModuleLabel } from '../shared/protocol.js'
import { byCodeUnits } from '../shared/order.js'
import { changedRecordedInputs, envDigest, onlyWorkersCheck, readByNameInputs, recordScope } from '../shared/recorded-check.js'
import { openStore } from '../store/open-store.js'
import { Fingerprinter } from './fingerprint/fingerprinter.js'

export interface FixtureStatus {
  name: string
  /** With projects that see modules differently (setup files, `define`, environment): the ones this row is for. */
  projects?: string[]
  /** The module that defines it, relative to the Vitest root (`#n` for a second same-named call). */
  file: string
  verdict: 'reuse' | 'rebuild' | 'unsure'
  /** Why: `file data/words.csv read by the factory changed`, `no entry yet`, ... */
  reason: string
  /** Inputs only a test shows (they are assumed as stored): `key`, `environment`, `mock src/rng.ts`, ... */
  unchecked: string[]
}

interface StatusRun {
  root: string
  workerConfig: WorkerConfig
  view: ProjectView
  /** The project's test environment: a file may choose another (`@vitest-environment`), which only running it shows. */
  environment: string
}

interface Site { name: string, file: string, code: CodeInputs | { error: string } }

/** Modules test files mock (`vi.mock('../src/rng')`), as the fingerprint names them (`src/rng.ts`, `package sql.js`), with the files that do. */
type Mocks = Map<string, string[]>

// The reason for a fixture never stored (with no entry of another Node version either).
const NO_ENTRY = 'no entry yet'

// Inputs that come from the test using the fixture: a dry run cannot know them.
const FROM_THE_TEST = /^(key|test|environment options|mock .+|variable .+|global .+|value of .+)$/

/** A project as the dry run sees it: how it resolves and transforms modules, and its test environment. */
export interface ProjectSeen extends ProjectView {
  name: string
  environment: string
}

/**
 * The dry run over a run's projects. Projects that see modules alike are asked once; where they
 * differ, each answers for the fixtures it has entries of, named by project.
 */
export async function projectsStatus(root: string, workerConfig: WorkerConfig, projects: readonly ProjectSeen[]): Promise<FixtureStatus[]> {
  const views = new Map<string, { seen: ProjectSeen, names: string[] }>()
  for (const project of projects) {
    const id = JSON.stringify([project.define, project.setupFiles, project.environment])
    const known = views.get(id)
    if (known) known.names.push(project.name)
    else views.set(id, { seen: project, names: [project.name] })
  }
  const answers = await Promise.all([...views.values()].map(async ({ seen, names }) => ({
    names,
    statuses: await fixtureStatus({ root, workerConfig, view: seen, environment: seen.environment }),
  })))
  if (answers.length === 1) return answers[0]!.statuses
  // A fixture is stored under the view of the project that used it: another view's "no entry yet" is not news.
  const id = (status: FixtureStatus): string => `${status.name}\0${status.file}`
  const stored = new Set(answers.flatMap(({ statuses }) => statuses.filter(status => status.reason !== NO_ENTRY).map(id)))
  return answers.flatMap(({ names, statuses }) => statuses
    .filter(status => status.reason !== NO_ENTRY || !stored.has(id(status)))
    .map(status => ({ ...status, projects: names })))
}

async function fixtureStatus(run: StatusRun): Promise<FixtureStatus[]> {
  const { workerConfig: config } = run
  const entries = existsSync(config.dir) ? openStore(config.dir, { readonly: true }).list() : []
  const { sites, mocks } = await findSites(run)
  const byName = new Map(sites.map(site => [site.name, site]))
  const known = new Map<Site, { status: FixtureStatus, entry?: StoredEntry }>()

  const statusOf = (site: Site, visiting: Set<Site>): { status: FixtureStatus, entry?: StoredEntry } => {
    let found = known.get(site)
    if (!found) {
      visiting.add(site)
      found = judge(site, entries, run, mocks, (upstream) => {
        const upstreamSite = byName.get(upstream)
        return upstreamSite && !visiting.has(upstreamSite) ? statusOf(upstreamSite, visiting) : undefined
      })
      known.set(site, found)
    }
    return found
  }
  return sites.map(site => statusOf(site, new Set()).status).sort((a, b) => byCodeUnits(a.name, b.name) || byCodeUnits(a.file, b.file))
}

/**
 * Every `cached()`, `cachedDir()` and `cachedValue()` call under the Vitest root, with its code
 * inputs as a run would compute them; and the modules test files mock.
 */
async function findSites(run: StatusRun): Promise<{ sites: Site[], mocks: Mocks }> {
  const files = globSync('**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}', { cwd: run.root, ignore: ['**/node_modules/**', '**/.git/**'] })
  const fingerprinter = new Fingerprinter(run.root)
  const sites: Site[] = []
  const mocks: Mocks = new Map()
  for (const file of files.sort()) {
    const path = resolve(run.root, file)
    const code = readFileSync(path, 'utf8')
    for (const [, , specifier] of code.matchAll(MOCK_CALL)) {
      const builtin = builtinModuleLabel(specifier!)
      const target = builtin ? undefined : await run.view.resolver(specifier!, path)
      const module = builtin ?? (target && moduleName(target, run.root))
      if (!module) continue
      mocks.set(module, [...mocks.get(module) ?? [], file])
    }
    if (!code.includes(PACKAGE_NAME)) continue
    const answer = await fingerprinter.inputsForModule(file, run.view)
    for (const [id, inputs] of Object.entries(answer)) {
      const split = id.lastIndexOf('#')
      const occurrence = Number(id.slice(split + 1))
      sites.push({ name: id.slice(0, split), file: occurrence ? `${file}#${occurrence}` : file, code: inputs })
    }
  }
  return { sites, mocks }
}

const MOCK_CALL = /\bvi\s*\.\s*(?:doMock|mock)\s*\(\s*(['"`])([^'"`]+)\1/g

/** A module as the fingerprint names what a factory reaches: its path from the root, or `package <name>`. */
function moduleName(file: string, root: string): string {
  const inPackage = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(file.slice(file.lastIndexOf('node_modules') - 1))
  if (inPackage) return `package ${inPackage[1]!.replace(/\\/g, '/')}`
  return relative(root, file).split(sep).join('/')
}

type Upstream = (name: string) => { status: FixtureStatus, entry?: StoredEntry } | undefined

/** Compares a fixture's stored entries with what its inputs are now. */
function judge(site: Site, all: readonly StoredEntry[], run: StatusRun, mocks: Mocks, upstreamOf: Upstream): { status: FixtureStatus, entry?: StoredEntry } {
  const config = run.workerConfig
  const status = (verdict: FixtureStatus['verdict'], reason: string, unchecked: string[] = []): FixtureStatus => ({ name: site.name, file: site.file, verdict, reason, unchecked })
  if ('error' in site.code) return { status: status('rebuild', `cannot be fingerprinted: ${site.code.error}`) }
  if (config.mode === 'off') return { status: status('rebuild', 'the cache is off (FIXTURE_CACHE=off)') }
  if (config.mode === 'verify') return { status: status('rebuild', 'verify builds every fixture again') }
  if (config.refresh === true || config.refresh.includes(site.name)) return { status: status('rebuild', 'FIXTURE_CACHE_REFRESH') }

  const ofSlot = all.filter(entry => entry.header.name === site.name && entry.header.file === site.file)
  const entries = ofSlot.filter(entry => entry.header.node === process.version).sort((a, b) => b.usedAt.getTime() - a.usedAt.getTime())
  if (!entries.length) {
    const others = [...new Set(ofSlot.map(entry => entry.header.node))]
    return { status: status('rebuild', others.length ? `no entry for Node ${process.version} (stored for ${others.join(', ')})` : NO_ENTRY) }
  }

  const code = site.code
  const now = new Map<string, string>([['format', String(FORMAT_VERSION)], ['node', process.version], ['environment', run.environment]])
  const codeInputs = [...code.inputs, ...readByNameInputs(code)]
  for (const input of [...codeInputs, ...Object.values(code.fixtures).flat()]) now.set(input.name, input.digest)
  const comparisons = entries.map(entry => compare(entry, now, codeInputs, run.root, config, upstreamOf))
  const sameKey = comparisons.filter(comparison => !comparison.changed.length)
  const match = sameKey.find(comparison => !comparison.readsChanged.length && !comparison.waitsOn.length)
  // A file that mocks what the factory reaches gets a value of its own (a mock changes the value).
  const mocked = code.modules.flatMap(module => (mocks.get(module) ?? []).map(file => `${file} mocks ${module}`))
  if (match && mocked.length) {
    return { status: status('unsure', `${listChanges(mocked)}, which the factory reaches: that file gets a value of its own${notChecked(match.unchecked)}`, match.unchecked), entry: match.entry }
  }
  if (match) {
    return { status: status('reuse', `every input as stored${notChecked(match.unchecked)}`, match.unchecked), entry: match.entry }
  }
  const waiting = sameKey.find(comparison => !comparison.readsChanged.length)
  if (waiting) {
    return { status: status('unsure', `rebuilds if the new value of ${waiting.waitsOn.join(', ')} differs${notChecked(waiting.unchecked)}`, waiting.unchecked) }
  }
  // The reason a run would give: the changed reads of an entry of this key, else what changed
  // since the most recently used entry.
  const [reasonFrom] = sameKey.length ? sameKey : comparisons
  const changed = sameKey.length ? reasonFrom!.readsChanged : reasonFrom!.changed
  return { status: status('rebuild', listChanges(changed), reasonFrom!.unchecked) }
}

const notChecked = (unchecked: readonly string[]): string => (unchecked.length ? `; not checked: ${unchecked.join(', ')}` : '')

interface Comparison {
  entry: StoredEntry
  /** The key's inputs that differ: `helper tokenize() in src/text.ts changed`. */
  changed: string[]
  /** What the factory was recorded reading that differs: `env SEED read by the factory changed`. */
  readsChanged: string[]
  /** Upstream fixtures that rebuild: this one rebuilds only if their value changes. */
  waitsOn: string[]
  unchecked: string[]
}

function compare(entry: StoredEntry, now: ReadonlyMap<string, string>, codeInputs: readonly KeyInput[], root: string, config: WorkerConfig, upstreamOf: Upstream): Comparison {
  const result: Comparison = { entry, changed: [], readsChanged: [], waitsOn: [], unchecked: [] }
  const stored = new Set(entry.header.inputs.map(input => input.name))
  for (const input of entry.header.inputs) {
    const upstream = /^fixture (.+) value$/.exec(input.name)?.[1]
    if (upstream !== undefined) {
      const judged = upstreamOf(upstream)
      if (!judged) result.unchecked.push(`the value of fixture ${upstream}`)
      else if (judged.entry) {
        if (judged.entry.header.valueDigest !== input.digest) result.changed.push(`fixture ${upstream} value changed`)
      }
      else result.waitsOn.push(upstream)
      continue
    }
    if (FROM_THE_TEST.test(input.name)) {
      result.unchecked.push(input.name)
      continue
    }
    if (input.name === 'environment' && input.digest !== now.get('environment')) {
      // Stored from a file that chose its own environment, perhaps: only running it shows.
      result.unchecked.push(`environment ${input.digest}`)
      continue
    }
    const current = now.get(input.name) ?? declaredDigest(input.name, root)
    if (current === undefined) {
      // A code input the factory no longer reaches (it is gone from the fingerprint).
      if (input.name.startsWith('fixture ') && input.name.includes(' in ')) result.unchecked.push(input.name)
      else result.changed.push(`${input.name} removed`)
    }
    else if (current !== input.digest) result.changed.push(input.name === 'node' ? `node ${input.digest} → ${current}` : `${input.name} changed`)
  }
  for (const input of codeInputs) {
    if (!stored.has(input.name)) result.changed.push(`${input.name} added`)
  }
  // Only running shows these: a provided value, the environment's names in a worker.
  result.unchecked.push(...entry.header.recorded.filter(input => onlyWorkersCheck(input.name)).map(input => input.name))
  const checkable = entry.header.recorded.filter(input => !onlyWorkersCheck(input.name))
  result.readsChanged.push(...changedRecordedInputs(checkable, recordScope(config)).map(name => `${name} changed`))
  return result
}

/** What a declared input (`env SEED`, `file data/x.csv`) digests to now, as the runtime computes it. */
function declaredDigest(name: string, root: string): string | undefined {
  const env = /^env (\S+)$/.exec(name)
  if (env) return envDigest(env[1]!)
  const pattern = /^files (.+)$/.exec(name)
  if (pattern) return digest(...globSync(pattern[1]!, { cwd: root, dot: true, onlyFiles: true }).sort())
  const file = /^file (.+)$/.exec(name)
  if (!file) return undefined
  try {
    return digest(readFileSync(resolve(root, file[1]!)))
  }
  catch (error) {
    return `unreadable: ${describeError(error)}`
  }
}
