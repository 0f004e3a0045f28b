// A remote tier on the Turborepo remote-cache API (Vercel, or the open-source turborepo-remote-cache
// server over disk, S3, GCS or Azure): one blob per artifact id, GET and PUT /v8/artifacts/:id.
import type { RemoteDriver } from '../driver.js'
import { createHmac } from 'node:crypto'
import { httpServer, RemoteError, sameText } from './http.js'

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

export function turborepoDriver(options: TurborepoOptions): RemoteDriver {
  const server = httpServer({ url: options.url, token: options.token, timeoutMs: options.timeoutMs ?? 500 })
  const teamParameter = options.team.startsWith('team_') ? 'teamId' : 'slug'

  const artifactUrl = (id: string): URL => {
    const url = new URL(`v8/artifacts/${encodeURIComponent(id)}`, server.base)
    url.searchParams.set(teamParameter, options.team)
    return url
  }

  /** The tag turbo writes: base64 HMAC-SHA256 over the artifact id, the team, then the body. */
  const tagOf = (id: string, body: Uint8Array): string =>
    createHmac('sha256', options.signatureKey!).update(id).update(options.team).update(body).digest('base64')

  return {
    name: 'turborepo',
    location: server.location,

    async get(id) {
      const response = await server.exchange('GET', artifactUrl(id), {})
      if (response.status === 404) return null
      if (options.signatureKey) {
        const tag = response.headers['x-artifact-tag']
        if (typeof tag !== 'string' || !sameText(tag, tagOf(id, response.body))) {
          throw new RemoteError('untrusted', `${server.location}: artifact ${id.slice(0, 12)} has ${typeof tag === 'string' ? 'a wrong' : 'no'} signature tag; not used`)
        }
      }
      return response.body
    },

    async put(id, bytes, buildMs = 0) {
      await server.exchange('PUT', artifactUrl(id), {
        'content-type': 'application/octet-stream',
        'content-length': String(bytes.length),
        'x-artifact-duration': String(Math.round(buildMs)),
        ...options.signatureKey ? { 'x-artifact-tag': tagOf(id, bytes) } : {},
      }, bytes)
    },
  }
}
