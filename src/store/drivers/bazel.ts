// A remote tier on the Bazel HTTP cache protocol (bazel-remote, or any WebDAV server such as nginx):
// an entry's bytes at /cas/<sha256 of the bytes>, and at /ac/<artifact id> a small record that
// points to them. Bytes from /cas/ are checked against their address before they are used.
import type { RemoteDriver } from '../driver.js'
import { createHmac } from 'node:crypto'
import { contentDigest } from '../../shared/digest.js'
import { httpServer, RemoteError, sameText } from './http.js'

export interface BazelOptions {
  /** The cache's base URL; `ac/` and `cas/` are resolved against it. */
  url: string
  token?: string
  /** Signed into each record with the signature key (the protocol has no namespaces of its own). */
  team?: string
  /** With it, each record carries an HMAC tag over the artifact id, the team and the bytes' address, checked on every read. */
  signatureKey?: string
  timeoutMs?: number
}

/** What /ac/<id> holds: where the entry's bytes are, and how many. */
interface ActionRecord {
  cas: string
  size: number
  tag?: string
}

const SHA256 = /^[0-9a-f]{64}$/

export function bazelDriver(options: BazelOptions): RemoteDriver {
  const server = httpServer({ url: options.url, token: options.token, timeoutMs: options.timeoutMs ?? 500 })
  const at = (kind: 'ac' | 'cas', hash: string): URL => new URL(`${kind}/${hash}`, server.base)
  const tagOf = (id: string, cas: string): string =>
    createHmac('sha256', options.signatureKey!).update(id).update(options.team ?? '').update(cas).digest('base64')
  const untrusted = (id: string, why: string): RemoteError => new RemoteError('untrusted', `${server.location}: artifact ${id.slice(0, 12)} ${why}; not used`)

  return {
    name: 'bazel',
    location: server.location,

    async get(id) {
      const ac = await server.exchange('GET', at('ac', id), {})
      if (ac.status === 404) return null
      let record: ActionRecord
      try {
        record = JSON.parse(ac.body.toString('utf8')) as ActionRecord
      }
      catch {
        throw untrusted(id, 'has a damaged record')
      }
      if (typeof record?.cas !== 'string' || !SHA256.test(record.cas)) throw untrusted(id, 'has a damaged record')
      if (options.signatureKey && (typeof record.tag !== 'string' || !sameText(record.tag, tagOf(id, record.cas)))) {
        throw untrusted(id, `has ${typeof record.tag === 'string' ? 'a wrong' : 'no'} signature tag`)
      }
      const cas = await server.exchange('GET', at('cas', record.cas), {})
      if (cas.status === 404) return null
      if (contentDigest(cas.body) !== record.cas) throw untrusted(id, 'has bytes that do not match their address')
      return cas.body
    },

    async put(id, bytes) {
      const cas = contentDigest(bytes)
      await server.exchange('PUT', at('cas', cas), { 'content-type': 'application/octet-stream', 'content-length': String(bytes.length) }, bytes)
      const record: ActionRecord = { cas, size: bytes.length, ...options.signatureKey ? { tag: tagOf(id, cas) } : {} }
      const body = Buffer.from(JSON.stringify(record))
      await server.exchange('PUT', at('ac', id), { 'content-type': 'application/json', 'content-length': String(body.length) }, body)
    },
  }
}
