// TypeDoc plugin: documents every entry point of every published package. The entry points are read from
// each package's `exports` map (the `types` of `.`, `./kit`, `./testing`, `./plugin`, ...), so a new entry
// point is documented and checked without anyone remembering to list it here. They are the built `.d.ts`
// (TSDoc survives the build, and the declaration maps lead warnings back to `src/`): build first.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Application } from 'typedoc';

const root = resolve(import.meta.dirname, '../..');

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_BOOTSTRAP_END, () => {
    const entryPoints = [];
    const packages = [];
    const unbuilt = [];
    for (const dir of readdirSync(join(root, 'packages')).sort()) {
      const manifest = join(root, 'packages', dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (pkg.private) continue;
      packages.push(pkg.name);
      for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
        if (typeof target !== 'object' || !target.types) continue; // "./package.json"
        const file = join(root, 'packages', dir, target.types);
        if (existsSync(file)) entryPoints.push(file);
        else unbuilt.push(`${pkg.name}${subpath.slice(1)} (${target.types})`);
      }
    }
    if (unbuilt.length > 0) {
      app.logger.error(`Entry points not built (run the build first): ${unbuilt.join(', ')}`);
    }
    app.options.setValue('entryPoints', entryPoints);
    // TypeDoc checks documentation only in the packages named here; by default the root one (private).
    app.options.setValue('packagesRequiringDocumentation', packages);
  });
}
