import * as vm from 'node:vm';
import { type ModuleImporter } from '../load-plugin-module';

/**
 * Node's own `import()`, reached from inside Jest. Jest runs specs in a vm context whose dynamic import
 * needs `--experimental-vm-modules`; a function compiled in the main context with Node's default loader
 * loads CJS and ESM exactly as a real app would, with Node's own CommonJS named-export detection.
 */
export const importNatively = vm.runInThisContext('(url) => import(url)', {
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}) as ModuleImporter;
