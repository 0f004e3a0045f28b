// The sweep, at the start of a run, of what killed runs left in the cache dir.
import { openStore } from '../store/open-store.js'

// Temporary files and locks a killed run left behind; a live writer or lock holder is never this old.
const LEFTOVER_AGE_MS = 60_000

export function removeLeftovers(dir: string): void {
  try {
    openStore(dir).removeLeftovers(LEFTOVER_AGE_MS)
  }
  catch {
    // A cache dir that cannot be swept is reported when a fixture first uses it.
  }
}
