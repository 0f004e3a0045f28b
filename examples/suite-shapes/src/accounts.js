// Shape 2: test accounts with hashed passwords, the classic slow `globalSetup` (a key derivation
// function is slow on purpose).
import { pbkdf2Sync, timingSafeEqual } from 'node:crypto'

const ITERATIONS = 100_000

/** @param {string} password @param {string} salt */
export function hashPassword(password, salt) {
  return pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256').toString('hex')
}

/**
 * 100 accounts, each with its password hash.
 * @returns {Array<{ email: string, salt: string, hash: string }>}
 */
export function createAccounts() {
  return Array.from({ length: 100 }, (_, n) => {
    const salt = `salt-${n}`
    return { email: `user${n}@example.com`, salt, hash: hashPassword(`password-${n}`, salt) }
  })
}

/** @param {{ salt: string, hash: string }} account @param {string} password */
export function checkPassword(account, password) {
  return timingSafeEqual(Buffer.from(hashPassword(password, account.salt), 'hex'), Buffer.from(account.hash, 'hex'))
}
