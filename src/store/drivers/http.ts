// What the remote drivers share: one HTTP exchange with a cache server, bounded in time, retried
// once when the server is busy, and its failures sorted into what they mean for a run.
import { timingSafeEqual } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'

/** Why the remote tier could not answer; the tier decides what that means for the run. */
export class RemoteError extends Error {
  override name = 'RemoteError'
  constructor(
    /** `denied`: 400/401/403; `too-large`: 413; `untrusted`: a missing or wrong signature, or damaged bytes; `unavailable`: anything else. */
    readonly kind: 'denied' | 'too-large' | 'untrusted' | 'unavailable',
    message: string,
  ) {
    super(message)
  }
}

export interface HttpResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

export interface HttpServer {
  /** The server's base URL, ending in `/`: paths are resolved against it. */
  base: URL
  /** The server for messages: never its token or password. */
  location: string
  /** One request; a 404 is an answer, other failures are RemoteErrors. */
  exchange: (method: 'GET' | 'PUT', url: URL, headers: Record<string, string>, body?: Uint8Array) => Promise<HttpResponse>
}

/**
 * Node's HTTP client, loaded on the first request: importing node:http and node:https cost every
 * worker process about 3 ms of its start (measured after Vitest's own imports), and most runs have
 * no remote tier.
 */
async function clientFor(url: URL): Promise<typeof import('node:http').request> {
  return url.protocol === 'https:' ? (await import('node:https')).request : (await import('node:http')).request
}

/**
 * A cache server at `url`. A token goes as `Authorization: Bearer`; a user and password in the URL
 * (`https://user:pass@host/`, as bazel-remote's htpasswd wants) as basic auth.
 */
export function httpServer(options: { url: string, token?: string, timeoutMs: number }): HttpServer {
  const base = new URL(options.url.endsWith('/') ? options.url : `${options.url}/`)
  const { timeoutMs } = options
  const location = `${base.origin}${base.pathname}`.replace(/\/$/, '')

  async function send(method: 'GET' | 'PUT', url: URL, headers: Record<string, string>, body?: Uint8Array): Promise<HttpResponse> {
    const request = await clientFor(url)
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

  async function exchange(method: 'GET' | 'PUT', url: URL, headers: Record<string, string>, body?: Uint8Array): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      let response: HttpResponse
      try {
        response = await send(method, url, headers, body)
      }
      catch (error) {
        throw new RemoteError('unavailable', `${method} ${location}: ${(error as Error).message}`)
      }
      const { status } = response
      if (status === 400 || status === 401 || status === 403) throw new RemoteError('denied', `${method} ${location}: ${status} ${statusText(response)}`.trim())
      if (status === 413) throw new RemoteError('too-large', `${method} ${location}: 413, the artifact (${body?.length ?? 0} bytes) is larger than the server accepts`)
      if ((status === 429 || status >= 500) && attempt === 0) {
        await sleep(100)
        continue
      }
      if (status !== 404 && (status < 200 || status >= 300)) throw new RemoteError('unavailable', `${method} ${location}: ${status} ${statusText(response)}`.trim())
      return response
    }
  }

  return { base, location, exchange }
}

/** A JSON error body's message (Turborepo's servers send one), else nothing. */
function statusText(response: HttpResponse): string {
  try {
    const message = (JSON.parse(response.body.toString('utf8')) as { message?: unknown }).message
    return typeof message === 'string' ? message.slice(0, 200) : ''
  }
  catch {
    return ''
  }
}

/** Compares a signature in constant time. */
export function sameText(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}
