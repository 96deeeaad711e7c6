import { join } from 'node:path';

/**
 * `@vth/dashboard`: the web page of a vth server, showing what its `BackendManager` sees, live, with the
 * actions an operator takes on it. The assets are prebuilt into the package; this entry point only says
 * where they are, for `@vth/server`'s `staticAssets` option (`vth serve` does it for you).
 *
 * @example
 * ```ts
 * import { dashboardAssetsDir } from '@vth/dashboard';
 * createServer({ backend: manager, staticAssets: { dir: dashboardAssetsDir } });
 * ```
 *
 * @module @vth/dashboard
 */
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
