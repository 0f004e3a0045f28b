import type { KeyInput } from '../shared/key.js'
import type { ValidatedOptions } from './options.js'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { digest } from '../shared/digest.js'
import { byCodeUnits } from '../shared/order.js'
import { CachedFixtureError } from './errors.js'

/** The inputs a user declares because the analysis cannot see them: `key`, `files`, `env`. */
export async function declaredInputs(options: ValidatedOptions, context: unknown, root: string, label: string): Promise<KeyInput[]> {
  const inputs: KeyInput[] = []
  if (options.key !== undefined) {
    const value = typeof options.key === 'function' ? await options.key(context) : options.key
    inputs.push({ name: 'key', digest: digest(stableJson(value, label)) })
  }
  if (options.files.length) inputs.push(...await fileInputs(options.files, root, label))
  for (const variable of options.env) {
    const value = process.env[variable]
    inputs.push({ name: `env ${variable}`, digest: value === undefined ? 'unset' : digest(value) })
  }
  return inputs
}

async function fileInputs(patterns: string[], root: string, label: string): Promise<KeyInput[]> {
  // Imported here, not at the top: a fresh worker process spends ~15 ms loading the glob library.
  const { glob, isDynamicPattern } = await import('tinyglobby')
  const inputs: KeyInput[] = []
  for (const pattern of patterns) {
    if (!isDynamicPattern(pattern)) {
      inputs.push({ name: `file ${pattern}`, digest: fileDigest(resolve(root, pattern), label) })
      continue
    }
    const matches = (await glob(pattern, { cwd: root, dot: true, onlyFiles: true })).sort()
    inputs.push({ name: `files ${pattern}`, digest: digest(...matches) })
    for (const match of matches) inputs.push({ name: `file ${match}`, digest: fileDigest(resolve(root, match), label) })
  }
  return inputs
}

function fileDigest(path: string, label: string): string {
  try {
    return digest(readFileSync(path))
  }
  catch (error) {
    throw new CachedFixtureError(`cached() ${label}: option "files" names ${path}, which cannot be read (${(error as NodeJS.ErrnoException).code})`)
  }
}

/** JSON with sorted object keys, so `{ a, b }` and `{ b, a }` are the same key. */
function stableJson(value: unknown, label: string): string {
  const json = JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item === 'function' || typeof item === 'symbol' || typeof item === 'bigint')
      throw new CachedFixtureError(`cached() ${label}: option "key" must be JSON data, got a ${typeof item}`)
    if (item && typeof item === 'object' && !Array.isArray(item))
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => byCodeUnits(a, b)))
    return item
  })
  return json ?? 'undefined'
}
