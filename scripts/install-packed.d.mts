/** Packs this checkout with `npm pack` and unpacks it into `<nodeModules>/vitest-fixture-cache`; returns that folder. */
export function installPacked(nodeModules: string): string
