import { CAPABILITY_FLAGS, missingCapabilities, type BackendCapabilities } from './capabilities';

const caps = {
  ...Object.fromEntries(CAPABILITY_FLAGS.map((flag) => [flag, true])),
  multiplePanes: false,
  cwdTracking: false,
  isolation: 'process',
} as BackendCapabilities;

describe('missingCapabilities', () => {
  it('names the required flags a backend lacks, in the order asked', () => {
    expect(missingCapabilities(caps, ['cwdTracking', 'resize', 'multiplePanes'])).toEqual([
      'cwdTracking',
      'multiplePanes',
    ]);
  });

  it('requires nothing by default', () => {
    expect(missingCapabilities(caps)).toEqual([]);
  });
});
