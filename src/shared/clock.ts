// Time for the cache's own records, taken from what Node had when the package loaded. A test may
// fake Date, timers and performance (vi.useFakeTimers) while one of its fixtures is built or read:
// the cache must neither wait on a faked timer nor stamp an entry with a faked date (pruning by
// age and last use would then remove the wrong entries).
const RealDate = Date
const realPerformanceNow = performance.now.bind(performance)

/** Milliseconds since the epoch. */
export function wallClockMs(): number {
  return RealDate.now()
}

export function wallClockDate(): Date {
  return new RealDate()
}

/** A monotonic clock in milliseconds, for durations. */
export function monotonicMs(): number {
  return realPerformanceNow()
}
