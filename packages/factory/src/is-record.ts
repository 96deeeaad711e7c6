/** A plain object (not null, not an array): what plugin code should hand back where an object belongs. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
