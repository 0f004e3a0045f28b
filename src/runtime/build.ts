// Running a factory: its reads recorded, its value encoded, checked and published.
import type { WorkerConfig } from '../shared/protocol.js'
import type { HeaderFields } from '../store/entry-format.js'
import type { Encoded } from './codec.js'
import type { Job, Obtained } from './job.js'
import type { Recording } from './read-recorder.js'
import { relative, sep } from 'node:path'
import { monotonicMs, wallClockDate } from '../shared/clock.js'
import { describeError } from '../shared/describe-error.js'
import { digest } from '../shared/digest.js'
import { composeKey } from '../shared/key.js'
import { projectFolderInput } from '../shared/recorded-check.js'
import { recordChildProcesses } from './child-processes.js'
import { encodeValue, payloadOf } from './codec.js'
import { folderCopiesIn } from './context-inputs.js'
import { recordBuildStart, recordEvent } from './events.js'
import { envLeftChanged, recordReads } from './read-recorder.js'
import { recordedInputs } from './recorded-inputs.js'
import { holdsWorkspace, relocatable, relocated, withFolderPlaceholders } from './relocate.js'

export type Publish = (fields: HeaderFields, payload: Buffer) => void | Promise<void>
/** Why a build ran; verify can say only once it has the value. */
export type Reason = string | ((encoded: Encoded) => string)

/** Runs a factory; when it throws, the summary says so and the error goes on to the tests. */
export async function reportFailure<T>(config: WorkerConfig, name: string, file: string, key: string, run: () => T | Promise<T>): Promise<T> {
  try {
    return await run()
  }
  catch (error) {
    const message = describeError(error).split('\n')[0]!.slice(0, 200)
    recordEvent(config, { name, file, key, outcome: 'failed', reason: `its factory threw: ${message}`, buildMs: 0, loadMs: 0, bytes: 0 })
    throw error
  }
}

/** The factory's value and what it read, inside what the definition puts around it. */
async function runFactory(job: Job): Promise<{ value: unknown, recording: Recording, ignored: string[] }> {
  const { factory, around } = job.definition
  recordChildProcesses()
  if (!around) return { ...await recordReads(() => factory(job.context)), ignored: [] }
  let recording!: Recording
  const { value, ignored } = await around(job.context, async (context) => {
    const recorded = await recordReads(() => factory(context))
    recording = recorded.recording
    return recorded.value
  })
  return { value, recording, ignored }
}

/** Runs the factory with its reads recorded; publishes the entry when given where. */
export async function build(job: Job, reason: Reason, publish?: Publish): Promise<Obtained> {
  recordBuildStart(job.config, job.name)
  const started = monotonicMs()
  const { value, recording, ignored } = await reportFailure(job.config, job.name, job.slot.file, job.key, () => runFactory(job))
  const buildMs = monotonicMs() - started
  const folderless = withFolderPlaceholders(encodeValue(value, job.name, job.definition.options.serializer), folderCopiesIn(job.context, job.definition.site?.deps ?? []))
  const { encoded, placeholder, pinned } = relocatable(folderless.encoded, job.config.workspace)
  const payload = payloadOf(encoded)
  const envSet = envLeftChanged(recording)
  // What the env it leaves names is part of its value too: a path there must still be there, and
  // a path under the project is only right in this folder.
  const envText = envSet ? Object.values(envSet).join('\0') : ''
  const reached = new Set(job.reached)
  const inKey = (file: string): boolean => reached.has(relative(job.config.root, file).split(sep).join('/'))
  const recorded = recordedInputs(recording, { ...job.scope, ignored: [...job.scope.ignored, ...ignored] }, path => payload.includes(path) || envText.includes(path), inKey)
  const pin = pinned ?? (holdsWorkspace(envText, job.config.workspace) ? projectFolderInput(job.config.workspace) : undefined)
  if (pin) recorded.push(pin)
  const valueDigest = digest(payload)
  const nested = recording.nested && [...recording.nested].map(name => `"${name}"`).join(', ')
  const unstorable = nested
    ? `it obtains the cached value ${nested} while it builds, which a reuse would never ask for again (nor see change); obtain it first, outside the factory (a variable around the call counts by its value), or receive it as a fixture`
    : folderless.unstorable
  const why = unstorable ? `not stored: ${unstorable}` : typeof reason === 'string' ? reason : reason(encoded)
  const children = recording.children && [...recording.children].map(program => `\`${program}\``).join(', ')
  const notes = children ? [...job.notes, `it ran ${children} in a child process, whose reads are not seen: declare what it reads (files, env, key)`] : job.notes
  recordEvent(job.config, {
    name: job.name,
    file: job.slot.file,
    key: job.key,
    outcome: 'built',
    reason: why,
    buildMs,
    loadMs: 0,
    bytes: encoded.size,
    ...notes.length ? { notes } : {},
  })
  if (!unstorable) await publish?.({
    name: job.name,
    file: job.slot.file,
    key: job.key,
    id: recorded.length ? composeKey([{ name: 'key', digest: job.key }, ...recorded]) : job.key,
    node: job.slot.node,
    inputs: job.inputs,
    recorded,
    valueDigest,
    ...placeholder ? { relocated: placeholder } : {},
    ...envSet ? { envSet } : {},
    ...folderless.folders ? { folders: folderless.folders } : {},
    buildMs: Math.round(buildMs),
    runId: job.config.runId,
    createdAt: wallClockDate().toISOString(),
    codec: encoded.codec,
  }, payload)
  return { encoded: relocated(encoded, placeholder, job.config.workspace), valueDigest, envSet, folders: folderless.folders, outcome: { outcome: 'built', reason: why } }
}
