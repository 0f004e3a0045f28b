// A setup file the plugin runs first in every test worker: the reads are wrapped before any test
// module loads. A package that keeps node:fs functions from its import (fast-glob's and glob's
// tables of fs functions) then calls the recorded ones: a file added to a globbed folder counts.
import { install } from './read-recorder.js'

install()
