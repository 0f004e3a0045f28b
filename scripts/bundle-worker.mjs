// The worker entries as few files: with Vitest's default isolation every test file loads them in
// a fresh process, and Node pays per module (measured: 12 ms for its twenty modules, 6 ms bundled).
// The setup file that wraps reads early and the entry share one chunk, the recorder: one copy of
// it per worker. tsc still emits every module (plugin, CLI) and the types.
import { rolldown } from 'rolldown'

const bundle = await rolldown({
  input: { 'index': 'src/index.ts', 'record-early': 'src/runtime/record-early.ts' },
  platform: 'node',
  external: [/^node:/, 'vitest', 'tinyglobby'],
})
await bundle.write({ dir: 'dist', format: 'esm', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' })
await bundle.close()
