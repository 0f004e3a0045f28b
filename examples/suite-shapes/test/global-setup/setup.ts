import type { TestProject } from 'vitest/node'
import { cachedValue } from 'vitest-fixture-cache'
import { createAccounts } from '../../src/accounts.js'

// Runs once per run in the main process. The accounts (100 password hashes, a few seconds of
// key derivation) are built on the first run and read from the cache after that.
export default async function setup(project: TestProject): Promise<void> {
  project.provide('accounts', await cachedValue('accounts', async () => createAccounts()))
}

declare module 'vitest' {
  export interface ProvidedContext {
    accounts: Array<{ email: string, salt: string, hash: string }>
  }
}
