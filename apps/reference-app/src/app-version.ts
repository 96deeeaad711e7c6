import { readFileSync } from 'node:fs';
import { APP_MANIFEST } from './app-manifest';

/** The version in the app's package.json (`vth --version`); `0.0.0` when it cannot be read. */
export const APP_VERSION: string = (() => {
  try {
    const { version } = JSON.parse(readFileSync(APP_MANIFEST, 'utf8')) as { version?: unknown };
    return typeof version === 'string' ? version : '0.0.0';
  } catch {
    return '0.0.0';
  }
})();
