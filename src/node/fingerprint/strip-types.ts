import { extname } from 'node:path'

type Transform = (code: string, filename: string) => Promise<{ code: string }>

const NEEDS_TRANSFORM = new Set(['.ts', '.tsx', '.mts', '.cts', '.jsx'])
const PLAIN_JAVASCRIPT = new Set(['.js', '.mjs', '.cjs'])

let transform: Promise<Transform> | undefined

/**
 * The module as JavaScript, with TypeScript and JSX turned into plain code by Vite's own
 * transformer (oxc in Vite 8, esbuild before). Null for anything that is not a script.
 */
export async function toJavaScript(code: string, file: string): Promise<string | null> {
  const extension = extname(file)
  if (PLAIN_JAVASCRIPT.has(extension)) return code
  if (!NEEDS_TRANSFORM.has(extension)) return null
  transform ??= loadTransform()
  return (await (await transform)(code, file)).code
}

async function loadTransform(): Promise<Transform> {
  const vite = await import('vite') as Record<string, unknown>
  const oxc = vite.transformWithOxc as ((code: string, filename: string, options?: object) => Promise<{ code: string }>) | undefined
  if (oxc) return (code, filename) => oxc(code, filename, { sourcemap: false })
  const esbuild = vite.transformWithEsbuild as (code: string, filename: string, options?: object) => Promise<{ code: string }>
  return (code, filename) => esbuild(code, filename, { sourcemap: false })
}
