import { describe, expect, it } from 'vitest'
import { parseMode, parseRefresh, resolveRemote, resolveWorkerConfig, validatePluginOptions } from '../../src/node/config.js'
import { resolveCacheDir } from '../../src/shared/cache-dir.js'

describe('config', () => {
  it('parses refresh values', () => {
    for (const all of ['1', 'true', 'TRUE', 'all', '*']) expect(parseRefresh(all)).toBe(true)
    expect(parseRefresh('corpus, db,,')).toEqual(['corpus', 'db'])
    expect(parseRefresh(undefined)).toEqual([])
    expect(parseRefresh('0')).toEqual(['0'])
  })

  it('parses modes and rejects unknown ones', () => {
    expect(parseMode(undefined)).toBe('on')
    expect(parseMode('ReadOnly')).toBe('readonly')
    expect(() => parseMode('sometimes')).toThrow('FIXTURE_CACHE=sometimes is not a mode')
  })

  it('resolves the dir: env over option over default, relative to the root', () => {
    expect(resolveCacheDir({}, '/r', {})).toBe('/r/node_modules/.cache/vitest-fixture-cache')
    expect(resolveCacheDir({ dir: '.c' }, '/r', {})).toBe('/r/.c')
    expect(resolveCacheDir({ dir: '.c' }, '/r', { FIXTURE_CACHE_DIR: '/abs' })).toBe('/abs')
  })

  it('checks plugin options and reads maxSize', () => {
    expect(validatePluginOptions({ dir: '.c', silent: true, detail: false, report: false, maxSize: '2GB' })).toEqual({ maxBytes: 2e9 })
    expect(validatePluginOptions({ maxSize: 1024 })).toEqual({ maxBytes: 1024 })
    expect(() => validatePluginOptions({ folder: 'x' } as object)).toThrow('unknown option "folder"')
    expect(() => validatePluginOptions({ silent: 'yes' } as object)).toThrow('option "silent" must be a boolean, got "yes"')
    expect(() => validatePluginOptions({ report: true } as object)).toThrow('option "report" must be a string or false')
    expect(() => validatePluginOptions({ maxSize: 'lots' })).toThrow('option "maxSize": "lots" is not a size')
  })

  it('reads the remote tier: our env over the option over Turborepo\'s variables; writing only when asked', () => {
    expect(resolveRemote({}, {})).toBeUndefined()
    expect(resolveRemote({ url: 'http://a', team: 't' }, {})).toEqual({ protocol: 'turborepo', url: 'http://a', team: 't', write: false, timeoutMs: 500 })
    expect(resolveRemote({}, { TURBO_API: 'http://turbo', TURBO_TEAM: 'tt', TURBO_TOKEN: 'tk', TURBO_REMOTE_CACHE_SIGNATURE_KEY: 'sk' }))
      .toEqual({ protocol: 'turborepo', url: 'http://turbo', team: 'tt', token: 'tk', signatureKey: 'sk', write: false, timeoutMs: 500 })
    const env = { FIXTURE_CACHE_REMOTE_URL: 'http://ours', FIXTURE_CACHE_REMOTE_TEAM: 'ours', TURBO_API: 'http://turbo', FIXTURE_CACHE_REMOTE_WRITE: 'true' }
    expect(resolveRemote({ url: 'http://option', team: 'option', timeout: 2000 }, env)).toEqual({ protocol: 'turborepo', url: 'http://ours', team: 'ours', write: true, timeoutMs: 2000 })
    // An empty variable turns the fallback off; WRITE=0 overrides the option.
    expect(resolveRemote({}, { FIXTURE_CACHE_REMOTE_URL: '', TURBO_API: 'http://turbo', TURBO_TEAM: 't' })).toBeUndefined()
    expect(resolveRemote({ url: 'http://a', team: 't', write: true }, { FIXTURE_CACHE_REMOTE_WRITE: '0' })?.write).toBe(false)
    expect(() => resolveRemote({ url: 'http://a' }, {})).toThrow('a team is needed: set FIXTURE_CACHE_REMOTE_TEAM')
    // The Bazel HTTP cache has no teams; the protocol comes from the option or the env.
    expect(resolveRemote({ url: 'http://a', protocol: 'bazel' }, {})).toEqual({ protocol: 'bazel', url: 'http://a', team: '', write: false, timeoutMs: 500 })
    expect(resolveRemote({ url: 'http://a' }, { FIXTURE_CACHE_REMOTE_PROTOCOL: 'Bazel' })?.protocol).toBe('bazel')
    expect(() => resolveRemote({ url: 'http://a', protocol: 'grpc' as 'bazel' }, {})).toThrow('must be turborepo or bazel, got "grpc"')
    expect(() => resolveRemote({ url: 'ftp://a', team: 't' }, {})).toThrow('must be an http(s) URL')
    expect(() => resolveRemote({ URL: 'http://a' } as object, {})).toThrow('unknown option remote.URL')
    expect(() => resolveRemote({ url: 'http://a', team: 't', write: 'yes' } as object, {})).toThrow('option remote.write must be a boolean')
    // Off mode asks nothing of a server.
    expect(resolveWorkerConfig({ remote: { url: 'http://a', team: 't' } }, '/r', { FIXTURE_CACHE: 'off' }).remote).toBeUndefined()
  })

  it('keeps the token out of every error', () => {
    try {
      resolveRemote({ url: 'nope', token: 'secret-token', team: 't' }, {})
    }
    catch (error) {
      expect((error as Error).message).not.toContain('secret-token')
    }
    expect.assertions(1)
  })
})
