import { execFile, spawn } from 'node:child_process'
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { inject } from 'vitest'

export interface RunResult {
  code: number | null
  stdout: string
  stderr: string
  output: string
}

const DEFAULT_CONFIG = `
import { defineConfig } from 'vitest/config'
import { fixtureCache } from 'vitest-fixture-cache/plugin'
export default defineConfig({ plugins: [fixtureCache()] })
`

/** A throwaway Vitest project inside the sandbox, with the packed package installed. */
export class Project {
  private constructor(public dir: string) {}

  static create(files: Record<string, string>): Project {
    const dir = mkdtempSync(join(inject('sandbox'), 'project-'))
    const project = new Project(dir)
    project.write('package.json', JSON.stringify({ type: 'module' }))
    project.write('vitest.config.ts', DEFAULT_CONFIG)
    for (const [path, content] of Object.entries(files)) project.write(path, content)
    return project
  }

  write(path: string, content: string): void {
    const file = join(this.dir, path)
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, content)
  }

  read(path: string): string {
    return readFileSync(join(this.dir, path), 'utf8')
  }

  exists(path: string): boolean {
    return existsSync(join(this.dir, path))
  }

  /** Replaces text that must be there: an edit that silently matches nothing would prove nothing. */
  edit(path: string, from: string, to: string): this {
    const content = this.read(path)
    if (!content.includes(from)) throw new Error(`${path} does not contain ${JSON.stringify(from)}`)
    this.write(path, content.replace(from, to))
    return this
  }

  /** A symbolic link at `path` whose text is `target` (relative to the link's folder, as `ln -s` writes it). */
  link(path: string, target: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true })
    symlinkSync(target, join(this.dir, path))
  }

  remove(path: string): void {
    rmSync(join(this.dir, path), { recursive: true, force: true })
  }

  append(path: string, content: string): void {
    appendFileSync(join(this.dir, path), content)
  }

  /** Entry files in the project's default cache dir, relative to it. */
  cacheEntries(dir = 'node_modules/.cache/vitest-fixture-cache'): string[] {
    const root = join(this.dir, dir)
    if (!existsSync(root)) return []
    return (readdirSync(root, { recursive: true }) as string[]).filter(path => path.endsWith('.entry')).sort()
  }

  /** A copy of the whole project, cache included, in a new folder of the sandbox. */
  copy(): Project {
    const dir = mkdtempSync(join(inject('sandbox'), 'project-'))
    cpSync(this.dir, dir, { recursive: true })
    return new Project(dir)
  }

  /** Moves the whole project to a new folder of the sandbox (its cache moves with it), named as its own plus `suffix`. */
  move(suffix = '-moved'): void {
    const target = `${this.dir}${suffix}`
    renameSync(this.dir, target)
    this.dir = target
  }

  /** Fixture names each factory appended to builds.log, in order; the log is emptied. */
  takeBuilds(): string[] {
    const log = join(this.dir, 'builds.log')
    if (!existsSync(log)) return []
    const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean)
    writeFileSync(log, '')
    return lines.sort()
  }

  /** Runs the real Vitest CLI in the project, as a user would. */
  run(args: string[] = [], env: Record<string, string> = {}, node = inject('cell').node): Promise<RunResult> {
    return this.spawn(node, [this.vitest, 'run', ...args], { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0', ...env })
  }

  /** Runs Vitest from a folder of the project (`cd sub && vitest run --root ..`). */
  runFrom(folder: string, args: string[] = []): Promise<RunResult> {
    return this.spawn(inject('cell').node, [this.vitest, 'run', ...args], { CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0' }, join(this.dir, folder))
  }

  /** Runs Vitest in a pseudo-terminal (util-linux `script`), as in an interactive shell outside CI. */
  runInTerminal(args: string[] = [], env: Record<string, string> = {}): Promise<RunResult> {
    const command = [inject('cell').node, this.vitest, 'run', ...args].map(word => `'${word}'`).join(' ')
    return this.spawn('script', ['-qec', command, '/dev/null'], env)
  }

  private get vitest(): string {
    return join(inject('sandbox'), 'node_modules/vitest/vitest.mjs')
  }

  private spawn(command: string, args: string[], env: Record<string, string>, cwd = this.dir): Promise<RunResult> {
    const cleanEnv = Object.fromEntries(Object.entries(process.env)
      .filter(([name]) => !/^(VITEST|FIXTURE_CACHE|NODE_OPTIONS|TEST$|DEBUG$|CI$|NO_COLOR$|FORCE_COLOR$)/.test(name)))
    return new Promise((resolve, reject) => {
      const child = spawn(command, args, {
        cwd,
        env: { ...cleanEnv, VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      let output = ''
      child.stdout.on('data', (chunk: Buffer) => { stdout += chunk; output += chunk })
      child.stderr.on('data', (chunk: Buffer) => { stderr += chunk; output += chunk })
      child.on('error', reject)
      child.on('close', code => resolve({ code, stdout, stderr, output }))
    })
  }
}

export interface CliResult { code: number, stdout: string, stderr: string }

/** Runs the package's CLI, as installed in the sandbox, in the project. */
export function cli(project: Project, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const bin = join(inject('sandbox'), 'node_modules/vitest-fixture-cache/dist/cli/main.js')
  return promisify(execFile)(inject('cell').node, [bin, ...args], { cwd: project.dir, env: { ...process.env, ...env } })
    .then(({ stdout, stderr }) => ({ code: 0, stdout, stderr }))
    .catch((error: { code: number, stdout: string, stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }))
}

/** Runs and expects success, showing Vitest's output when it fails. */
export async function runOk(project: Project, args: string[] = [], env: Record<string, string> = {}, node?: string): Promise<RunResult> {
  const result = await project.run(args, env, node)
  if (result.code !== 0) throw new Error(`vitest exited with ${result.code}:\n${result.output}`)
  return result
}
