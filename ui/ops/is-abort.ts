/** A request stopped on purpose (its AbortSignal fired): nothing to tell the designer. */
export function isAbort(error: unknown): boolean {
  return (error as { name?: string } | null)?.name === 'AbortError';
}
