import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect } from 'vitest'
import { test } from './fixtures'

const git = (dir: string, ...args: string[]): string =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], { encoding: 'utf8' }).trim()

test('has 500 commits', ({ repository }) => {
  expect(git(repository, 'rev-list', '--count', 'HEAD')).toBe('500')
})

test('commits in its own copy', ({ repository }) => {
  writeFileSync(join(repository, 'NEW.md'), 'new\n')
  git(repository, 'add', 'NEW.md')
  git(repository, 'commit', '--quiet', '-m', 'a test\'s own commit')
  expect(git(repository, 'rev-list', '--count', 'HEAD')).toBe('501')
})
