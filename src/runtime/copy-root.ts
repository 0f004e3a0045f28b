// Where folder fixtures are built and copied. Creating files is what a copy costs, and on a disk
// that can be a millisecond a file (measured here: 10,000 files in 7–13 s, the same with `cp -a`);
// in memory (tmpfs) it is microseconds. So copies go to /dev/shm when it is a memory file system
// mounted without noexec with room to spare, else to the OS temp folder.
import { readFileSync, statfsSync } from 'node:fs'
import { tmpdir } from 'node:os'

const MEMORY = '/dev/shm'
// Room left for the tests' own writes into their copies, and for copies of other workers.
const HEADROOM = 4

let memoryUsable: boolean | undefined

/** The folder to make a temporary tree of about `bytes` in. */
export function copyRoot(bytes: number): string {
  memoryUsable ??= isMemoryFolder(MEMORY)
  if (memoryUsable) {
    try {
      const stats = statfsSync(MEMORY)
      if (stats.bavail * stats.bsize > bytes * HEADROOM) return MEMORY
    }
    catch {}
  }
  return tmpdir()
}

function isMemoryFolder(folder: string): boolean {
  try {
    const mount = readFileSync('/proc/mounts', 'utf8').split('\n').map(line => line.split(' ')).find(fields => fields[1] === folder)
    return mount?.[2] === 'tmpfs' && !(mount[3] ?? '').split(',').includes('noexec')
  }
  catch {
    return false
  }
}
