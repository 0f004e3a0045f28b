// The package as a user gets it: a fresh clone (the committed tree) packed with its own scripts
// (`prepack` builds dist/), the tarball installed with npm into a new project, where the plugin,
// cached(), the types and the CLI must work.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { expect, inject, it } from 'vitest'
import { Project, runOk } from '../helpers/project.js'

const repo = resolve(import.meta.dirname, '../..')

/** `npm pack` in a fresh clone of this repository's committed tree; its dev tools are this checkout's. */
function packFreshClone(into: string): string {
  const clone = join(into, 'clone')
  execFileSync('git', ['clone', '--quiet', repo, clone])
  symlinkSync(join(repo, 'node_modules'), join(clone, 'node_modules'))
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', into], { cwd: clone, encoding: 'utf8' }).trim().split('\n').at(-1)!
  return join(into, tarball)
}

/** Copies a package and the packages it depends on (as installed here), so npm finds them without a network. */
function copyWithDependencies(name: string, nodeModules: string): void {
  const target = join(nodeModules, name)
  if (existsSync(target)) return
  const source = join(repo, 'node_modules', name)
  cpSync(source, target, { recursive: true, dereference: true })
  const { dependencies = {} } = JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> }
  for (const dependency of Object.keys(dependencies)) {
    // A nested copy (node_modules/<name>/node_modules/<dependency>) came along with the package.
    if (!existsSync(join(source, 'node_modules', dependency))) copyWithDependencies(dependency, nodeModules)
  }
}

const FIXTURES = `
import { appendFileSync } from 'node:fs'
import { test as base } from 'vitest'
import { cached } from 'vitest-fixture-cache'
export const test = base.extend({
  words: cached(async () => {
    appendFileSync('builds.log', 'words\\n')
    return ['a', 'b', 'c']
  }),
})
`
const USES = `
import { expect, expectTypeOf } from 'vitest'
import { test } from './fixtures'
test('gets the cached value, typed', ({ words }) => {
  expectTypeOf(words).toEqualTypeOf<string[]>()
  expect(words).toEqual(['a', 'b', 'c'])
})
`

it('packs from a fresh clone and works once installed with npm: plugin, cached(), types, CLI', async () => {
  const work = mkdtempSync(join(inject('sandbox'), 'package-'))
  const tarball = packFreshClone(work)
  const contents = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n')
  expect(contents).toEqual(expect.arrayContaining(['package/dist/index.js', 'package/dist/index.d.ts', 'package/dist/plugin.js', 'package/dist/cli/main.js', 'package/README.md', 'package/CHANGELOG.md', 'package/LICENSE']))
  expect(contents.filter(path => /^package\/(test|bench|examples|scripts)\//.test(path))).toEqual([])

  const project = Project.create({ 'test/fixtures.ts': FIXTURES, 'test/uses.test.ts': USES })
  const { dependencies } = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' })) as { dependencies: Record<string, string> }
  mkdirSync(join(project.dir, 'node_modules'))
  for (const name of Object.keys(dependencies)) copyWithDependencies(name, join(project.dir, 'node_modules'))
  // Vitest comes from the sandbox around the project (this cell's); npm installs the package itself.
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--no-package-lock', '--legacy-peer-deps', '--ignore-scripts', tarball], { cwd: project.dir, encoding: 'utf8' })
  expect(readdirSync(join(project.dir, 'node_modules/vitest-fixture-cache/dist'))).toContain('index.js')

  await runOk(project)
  expect(project.takeBuilds()).toEqual(['words'])
  await runOk(project)
  expect(project.takeBuilds()).toEqual([])

  const tsc = join(repo, 'node_modules/.bin/tsc')
  project.write('tsconfig.json', JSON.stringify({ compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', noEmit: true, skipLibCheck: true, types: ['node'], typeRoots: [join(repo, 'node_modules/@types')] }, include: ['test'] }))
  const typecheck = (): string => {
    try {
      return execFileSync(tsc, ['-p', '.'], { cwd: project.dir, encoding: 'utf8' })
    }
    catch (error) {
      throw new Error(`tsc: ${(error as { stdout: string }).stdout}`)
    }
  }
  expect(typecheck()).toBe('')
  // The check can fail: a wrong type is caught through the installed declarations.
  project.edit('test/uses.test.ts', 'toEqualTypeOf<string[]>()', 'toEqualTypeOf<number[]>()')
  expect(() => typecheck()).toThrow(/Type 'string' is not assignable to type 'number'|Expected: number, Actual: string/)

  const cli = join(project.dir, 'node_modules/.bin/vitest-fixture-cache')
  const version = (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version
  expect(execFileSync(cli, ['--version'], { cwd: project.dir, encoding: 'utf8' })).toContain(version)
  expect(execFileSync(cli, ['list'], { cwd: project.dir, encoding: 'utf8' })).toMatch(/^words\s+test\/fixtures\.ts\s/m)
})
