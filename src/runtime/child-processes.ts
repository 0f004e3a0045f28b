// Programs a factory runs in child processes: what they read (`cp -r template`, `prisma db push`)
// is not seen, so a build that ran one says so, naming the program, where the user can declare it.
import { createRequire, syncBuiltinESMExports } from 'node:module'
import { basename } from 'node:path'
import { noteChildProcess, standIn } from './read-recorder.js'

const WRAPPED = Symbol.for('vitest-fixture-cache.child-processes')
// The program is the first word of a shell command, the file of the others.
const SHELL_COMMANDS = new Set(['exec', 'execSync'])
const METHODS = ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']
let calling = 0
let installed = false

/**
 * Wraps node:child_process once per process, at the first build (loading it costs a worker
 * that never builds ≈ 2 ms); named imports of it in ES modules see the wrappers too.
 */
export function recordChildProcesses(): void {
  if (installed) return
  installed = true
  const module = createRequire(import.meta.url)('node:child_process') as Record<string | symbol, unknown>
  // (Once per process, whatever copy of this module or realm asks.)
  if (module[WRAPPED]) return
  module[WRAPPED] = true
  for (const method of METHODS) {
    const original = module[method]
    if (typeof original !== 'function') continue
    const wrapper = function (this: unknown, ...args: unknown[]): unknown {
      // (`exec` runs its shell through `execFile`: the program is the command's, not `sh`.)
      if (!calling) {
        const command = typeof args[0] === 'string' ? args[0] : ''
        const program = SHELL_COMMANDS.has(method) ? command.trim().split(/\s+/)[0] ?? '' : basename(command)
        noteChildProcess(method === 'fork' ? `node ${basename(command)}` : program)
      }
      calling++
      try {
        return (original as (...args: unknown[]) => unknown).apply(this, args)
      }
      finally {
        calling--
      }
    }
    module[method] = standIn(wrapper, original)
  }
  syncBuiltinESMExports()
}
