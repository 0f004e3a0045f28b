// Loaded by Node itself (`--import`, added by the plugin) as each test worker starts: the reads are
// wrapped before Vitest or any test module loads. A package that keeps node:fs functions from its
// import (fast-glob's and glob's tables of fs functions), and a vm context's named imports of
// node:fs, then call the recorded ones: a file added to a globbed folder counts.
import { install } from './read-recorder.js'

install()
