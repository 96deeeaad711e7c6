import * as path from 'node:path';

/**
 * The app's own package.json: its dependencies are where plugin discovery looks by default. Resolved
 * from this file's folder (`dist/` once built, `src/` under Jest), both one level below the package root.
 */
export const APP_MANIFEST = path.resolve(__dirname, '..', 'package.json');
