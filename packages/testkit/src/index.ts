// The default entry point is the Jest one (`@vth/testkit/jest`), as it was before the other runners.
export * from './jest';
