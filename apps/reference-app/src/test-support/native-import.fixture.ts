import { type ModuleImporter } from '@vth/factory';
import * as vm from 'node:vm';

/**
 * Node's own `import()`, reached from inside Jest (whose vm context needs `--experimental-vm-modules` for
 * it): compiled in the main context with Node's default loader, so a plugin loads as it does in the CLI.
 */
export const importNatively = vm.runInThisContext('(url) => import(url)', {
  importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
}) as ModuleImporter;
