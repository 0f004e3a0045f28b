/** An error's message, or whatever was thrown, as text: for warnings and summaries. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
