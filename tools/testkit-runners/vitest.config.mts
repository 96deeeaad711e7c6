import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/vitest.test.ts'],
    // node-pty is a native module: one process per file, as in Jest.
    pool: 'forks',
    // The workspace links @vth/* to their built dist/ outside node_modules: load them as an app's
    // node_modules would be loaded, by Node, not transformed by Vite.
    server: { deps: { external: [/\/packages\/[\w-]+\/dist\//] } },
  },
});
