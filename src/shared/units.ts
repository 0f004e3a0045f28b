// Sizes and durations as people write them in options and on the command line.

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB']

export function formatBytes(bytes: number): string {
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000
    unit++
  }
  return `${unit ? value.toFixed(1) : value} ${UNITS[unit]}`
}

/** `2GB`, `500 MB`, `1.5g`, `1024` (bytes). */
export function parseBytes(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)i?b?\s*$/i.exec(text)
  if (!match) throw new RangeError(`"${text}" is not a size; write it like 500MB or 2GB`)
  const power = ['', 'k', 'm', 'g', 't'].indexOf(match[2]!.toLowerCase())
  return Math.round(Number(match[1]) * 1000 ** power)
}

/** `30d`, `12h`, `45m`, `90s`. */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$/i.exec(text)
  if (!match) throw new RangeError(`"${text}" is not a duration; write it like 30d, 12h or 45m`)
  const unit = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 }[match[2]!.toLowerCase() as 's']
  return Number(match[1]) * unit * 1000
}
