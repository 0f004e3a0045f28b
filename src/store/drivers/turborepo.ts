// A remote tier on the Turborepo remote-cache API (Vercel, or the open-source turborepo-remote-cache
// server over disk, S3, GCS or Azure): one blob per artifact id, GET and PUT /v8/artifacts/:id.
import type { RemoteDriver } from '../driver.js'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { setTimeout as sleep } from 'node:timers/promises'

export interface TurborepoOptions {
  /** The server's base URL (`https://cache.example.com`); `/v8/artifacts` is appended. */
  url: string
  token?: string
  /** The team (`slug`) artifacts are stored under; `team_…` ids go as `teamId`, as turbo sends them. */
  team: string
  /** With it, every artifact carries an HMAC tag, checked on every read (servers never check it). */
  signatureKey?: string
  /** A request whose server stays silent this long is given up on (the connection, then each wait for data). */
  timeoutMs?: number
}

/** Why the remote tier could not answer; the tier decides what that means for the run. */
export class RemoteError extends Error {
  override name = 'RemoteError'
  constructor(
    /** `denied`: 400/401/403; `too-large`: 413; `untrusted`: a missing or wrong signature; `unavailable`: anything else. */
    readonly kind: 'denied' | 'too-large' | 'untrusted' | 'unavailable',
    message: string,
  ) {
    super(message)
  }
}

interface Response {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export function turborepoDriver(options: TurborepoOptions): RemoteDriver {
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`)
  const timeoutMs = options.timeoutMs ?? 500
  const teamParameter = options.team.startsWith('team_') ? 'teamId' : 'slug'
  // For messages: the server, never the token.
  const location = `${base.origin}${base.pathname}`.replace(/\/$/, '')

  const artifactUrl = (id: string): URL => {
    const url = new URL(`v8/artifacts/${encodeURIComponent(id)}`, base)
    url.searchParams.set(teamParameter, options.team)
    return url
  }

  /** The tag turbo writes: base64 HMAC-SHA256 over the artifact id, the team, then the body. */
  const tagOf = (id: string, body: Uint8Array): string =>
    createHmac('sha256', options.signatureKey!).update(id).update(options.team).update(body).digest('base64')

  function send(method: 'GET' | 'PUT', url: URL, headers: Record<string, string>, body?: Uint8Array): Promise<Response> {
    const request = url.protocol === 'https:' ? httpsRequest : httpRequest
    return new Promise((resolve, reject) => {
      const outgoing = request(url, {
        method,
        headers: { ...headers, ...options.token ? { authorization: `Bearer ${options.token}` } : {} },
        timeout: timeoutMs,
      }, (incoming) => {
        const chunks: Buffer[] = []
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: Buffer.concat(chunks) }))
        incoming.on('error', reject)
      })
      outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)))
      outgoing.on('error', reject)
      outgoing.end(body)
    })
  }

  /** One short retry when the server is busy or failing; errors say what happened, never the token. */
  async function exchange(method: 'GET' | 'PUT', id: string, headers: Record<string, string>, body?: Uint8Array): Promise<Response> {
    for (let attempt = 0; ; attempt++) {
      let response: Response
      try {
        response = await send(method, artifactUrl(id), headers, body)
      }
      catch (error) {
        throw new RemoteError('unavailable', `${method} ${location}: ${(error as Error).message}`)
      }
      const { status } = response
      if (status === 400 || status === 401 || status === 403) throw new RemoteError('denied', `${method} ${location}: ${status} ${statusText(response)}`)
      if (status === 413) throw new RemoteError('too-large', `${method} ${location}: 413, the artifact (${body?.length ?? 0} bytes) is larger than the server accepts`)
      if ((status === 429 || status >= 500) && attempt === 0) {
        await sleep(100)
        continue
      }
      if (status !== 404 && (status < 200 || status >= 300)) throw new RemoteError('unavailable', `${method} ${location}: ${status} ${statusText(response)}`)
      return response
    }
  }

  return {
    name: 'turborepo',
    location,

    async get(id) {
      const response = await exchange('GET', id, {})
      if (response.status === 404) return null
      if (options.signatureKey) {
        const tag = response.headers['x-artifact-tag']
        const expected = Buffer.from(tagOf(id, response.body))
        if (typeof tag !== 'string' || tag.length !== expected.length || !timingSafeEqual(Buffer.from(tag), expected)) {
          throw new RemoteError('untrusted', `${location}: artifact ${id.slice(0, 12)} has ${typeof tag === 'string' ? 'a wrong' : 'no'} signature tag; not used`)
        }
      }
      return response.body
    },

    async put(id, bytes, buildMs = 0) {
      await exchange('PUT', id, {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
        'x-artifact-duration': String(Math.round(buildMs)),
        ...options.signatureKey ? { 'x-artifact-tag': tagOf(id, bytes) } : {},
      }, bytes)
    },
  }
}

function statusText(response: Response): string {
  try {
    const message = (JSON.parse(response.body.toString('utf8')) as { message?: unknown }).message
    return typeof message === 'string' ? message.slice(0, 200) : ''
  }
  catch {
    return ''
  }
}
