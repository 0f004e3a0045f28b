import { expect, inject, test } from 'vitest'
import { checkPassword } from '../../src/accounts.js'

const accounts = inject('accounts')

test('has the accounts the global setup prepared', () => {
  expect(accounts).toHaveLength(100)
  expect(accounts[7]!.email).toBe('user7@example.com')
})

test('accepts the right password', () => {
  expect(checkPassword(accounts[3]!, 'password-3')).toBe(true)
})

test('refuses a wrong one', () => {
  expect(checkPassword(accounts[3]!, 'password-4')).toBe(false)
})
