import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // tsyringe reads constructor parameter types from decorator metadata: a class imported only "as a type"
    // is still needed at run time, so consistent-type-imports must know that metadata is emitted.
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
    },
  },
];
