import { readFile } from 'node:fs/promises';
import { thrownMessage } from '@vth/core/kit';

export type JsonObjectRead = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Reads a JSON file that must hold an object (a package.json). The reason reads after the file's name:
 * `package.json is not valid JSON (...)`.
 */
export async function readJsonObject(file: string): Promise<JsonObjectRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    return { ok: false, reason: `cannot be read (${thrownMessage(e)})` };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, reason: `is not valid JSON (${thrownMessage(e)})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: 'is not a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}
