// The entries Node loads on every run as few files: it pays per module. tsc still emits every
// module (the CLI's) and the types; these bundles replace the entries it emitted.
// - The worker's: with Vitest's default isolation every test file loads them in a fresh process
//   (measured: 12 ms for its twenty modules, 6 ms bundled). The setup file that wraps reads early
//   and the entry share one chunk, the recorder: one copy of it per worker.
// - The plugin's, in the main process of every run, a suite without cached fixtures too (measured:
//   21 ms for its thirty modules, 14 ms bundled). At `dist/node/plugin.js`, where tsc put it: the
//   paths it names relative to itself (`../record-early.js`) stay true. What it loads on demand
//   (the fingerprinter, the dry run) becomes chunks beside it.
import { isAbsolute } from 'node:path'
import { rolldown } from 'rolldown'

// Packages and builtins stay imports: only this package's own modules are bundled.
const external = id => !id.startsWith('.') && !isAbsolute(id)

const builds = [
  { input: { 'index': 'src/index.ts', 'record-early': 'src/runtime/record-early.ts' }, dir: 'dist' },
  // The store and the shared modules in one chunk: the entry and what it loads later share them.
  { input: { plugin: 'src/node/plugin.ts' }, dir: 'dist/node', codeSplitting: { groups: [{ name: 'store', test: /src\/(store|shared)\// }] } },
]
for (const { input, dir, codeSplitting } of builds) {
  const bundle = await rolldown({ input, platform: 'node', external })
  await bundle.write({ dir, format: 'esm', sourcemap: true, entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js', codeSplitting })
  await bundle.close()
}
