import { join } from 'node:path';

/**
 * The directory of the dashboard's prebuilt files (`index.html`, `app.js`, `app.css`, `xterm.css`), to
 * serve as they are: `@vth/server`'s `staticAssets` option does it.
 *
 * @example
 * ```ts
 * import { dashboardAssetsDir } from '@vth/dashboard';
 * createServer({ backend: manager, staticAssets: { dir: dashboardAssetsDir } }); // at /dashboard/
 * ```
 */
export const dashboardAssetsDir: string = join(__dirname, 'assets');

/** The path the dashboard is served under by default. */
export const DASHBOARD_PATH = '/dashboard';
