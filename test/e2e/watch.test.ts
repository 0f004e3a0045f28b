import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { expect, inject, it } from 'vitest'
import { Project } from '../helpers/project.js'

it('rebuilds in watch mode when a module the factory reaches changes', async () => {
  const project = Project.create({
    'src/text.ts': `export function tokenize(text: string) { return text.split(' ') }\n`,
    'test/a.test.ts': `
import { appendFileSync } from 'node:fs'
import { test as base, expect } from 'vitest'
import { cached } from 'vitest-fixture-cache'
import { tokenize } from '../src/text'
const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return tokenize('alpha beta')
  }),
})
test('words', ({ words }) => { expect(words.length).toBeGreaterThan(0) })
`,
  })
  const vitest = join(inject('sandbox'), 'node_modules/vitest/vitest.mjs')
  const child = spawn(inject('cell').node, [vitest, 'watch'], { cwd: project.dir, env: { ...process.env, CI: '', VITEST: '', VITEST_POOL_ID: '', VITEST_WORKER_ID: '', NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] })
  let output = ''
  const summaries = (): number => output.match(/fixture cache:/g)?.length ?? 0
  child.stdout.on('data', (chunk: Buffer) => { output += chunk })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk })
  const until = async (count: number) => {
    for (let waited = 0; summaries() < count; waited += 100) {
      if (waited > 60_000) throw new Error(`no summary ${count} in:\n${output}`)
      await new Promise(resolve => setTimeout(resolve, 100))
    }
  }
  try {
    await until(1)
    expect(project.takeBuilds()).toEqual(['words'])
    project.edit('src/text.ts', `split(' ')`, `split(' ').filter(Boolean)`)
    await until(2)
    expect(project.takeBuilds()).toEqual(['words'])
    expect(output).toContain('words: helper tokenize() in src/text.ts changed')
  }
  finally {
    child.kill('SIGKILL')
  }
})
