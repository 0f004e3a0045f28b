// The Bazel HTTP cache driver against nginx's WebDAV module: bytes are checked against their
// address, records against their signature, and a refusing server is told apart from a miss.
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { bazelDriver } from '../../src/store/drivers/bazel.js'
import { RemoteError } from '../../src/store/drivers/http.js'

const server = inject('bazelCache')
let prefixes = 0
const ID = 'a'.repeat(64)

describe.skipIf(!server)('bazel driver (nginx with WebDAV)', () => {
  const prefix = (): string => `unit-${process.pid}-${++prefixes}`
  const open = (at: string, extra: { signatureKey?: string, token?: string } = {}) =>
    bazelDriver({ url: `${server!.url}/${at}`, token: server!.token, timeoutMs: 5000, ...extra })

  it('stores the bytes by their sha256 under /cas/ and a record under /ac/<id>', async () => {
    const at = prefix()
    await open(at).put(ID, Buffer.from('entry bytes'))
    expect(readdirSync(join(server!.root, at, 'cas'))).toEqual([createHash('sha256').update('entry bytes').digest('hex')])
    const record = JSON.parse(readFileSync(join(server!.root, at, 'ac', ID), 'utf8')) as { cas: string, size: number }
    expect(record.size).toBe(11)
    expect(readFileSync(join(server!.root, at, 'cas', record.cas), 'utf8')).toBe('entry bytes')
    expect(Buffer.from((await open(at).get(ID))!).toString()).toBe('entry bytes')
  })

  it('refuses bytes that do not match their address', async () => {
    const at = prefix()
    await open(at).put(ID, Buffer.from('the real value'))
    const { cas } = JSON.parse(readFileSync(join(server!.root, at, 'ac', ID), 'utf8')) as { cas: string }
    writeFileSync(join(server!.root, at, 'cas', cas), 'a forged value')
    await expect(open(at).get(ID)).rejects.toMatchObject({ kind: 'untrusted', message: expect.stringContaining('bytes that do not match their address') })
  })

  it('with a signature key, refuses a record pointing elsewhere, or written without the key', async () => {
    const at = prefix()
    const signed = open(at, { signatureKey: 'the-key' })
    await signed.put(ID, Buffer.from('trusted'))
    expect(Buffer.from((await signed.get(ID))!).toString()).toBe('trusted')
    // Someone without the key writes their own bytes and record: content-addressed, yet not signed.
    await open(at).put(ID, Buffer.from('poisoned'))
    await expect(signed.get(ID)).rejects.toMatchObject({ kind: 'untrusted', message: expect.stringContaining('no signature tag') })
    await open(at, { signatureKey: 'another-key' }).put(ID, Buffer.from('poisoned'))
    await expect(signed.get(ID)).rejects.toMatchObject({ kind: 'untrusted', message: expect.stringContaining('a wrong signature tag') })
  })

  it('misses what is not there, and tells a refusal (wrong token) from a miss', async () => {
    expect(await open(prefix()).get(ID)).toBeNull()
    const denied = await open(prefix(), { token: 'wrong' }).get(ID).catch((error: unknown) => error)
    expect(denied).toBeInstanceOf(RemoteError)
    expect(denied).toMatchObject({ kind: 'denied', message: expect.stringMatching(/^GET http:\/\/127\.0\.0\.1:\d+\/unit-\d+-\d+: 401/) })
    expect((denied as Error).message).not.toContain('wrong')
  })
})
