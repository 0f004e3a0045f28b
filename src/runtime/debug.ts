const enabled = /(^|,)\s*(vitest-fixture-cache|\*)\s*(,|$)/.test(process.env.DEBUG ?? '')

/** `DEBUG=vitest-fixture-cache` prints every decision: hit, miss and why. */
export function debug(message: string): void {
  if (enabled) process.stderr.write(`vitest-fixture-cache ${message}\n`)
}
