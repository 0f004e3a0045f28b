import { describe, expect, it } from 'vitest'
import { parseMode, parseRefresh, validatePluginOptions } from '../../src/node/config.js'
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
})
