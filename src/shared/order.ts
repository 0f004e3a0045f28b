/**
 * Orders strings by UTF-16 code units, the same on every machine and locale. Not `localeCompare`:
 * its first call loads the ICU collator, ≈ 14 ms of every run's summary.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
