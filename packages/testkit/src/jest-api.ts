/**
 * The Jest functions the suite registers its tests with. They come through this one module (and not
 * straight from `@jest/globals` in every suite file) so the testkit's own spec can record what the suite
 * registers — titles, skips, timeouts — without running it against a backend.
 */
export { afterAll, afterEach, beforeAll, beforeEach, describe, it } from '@jest/globals';
