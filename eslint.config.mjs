import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'cdk.out/',
      '.data/',
      'proto/gen/',
      'coverage/',
      'web/dist/',
      'web/src/api/schema.gen.ts',
      '**/*.js',
      '**/*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    // Every package a file imports is declared in package.json; only dev tooling (tests, bench, scripts, the
    // local runtime, the web app, which Vite bundles at build time) may import devDependencies, since functions,
    // billing and infra ship or synthesise with the rest.
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-extraneous-dependencies': [
        'error',
        {
          devDependencies: ['test/**', 'bench/**', 'scripts/**', 'local/**', 'web/**'],
          optionalDependencies: false,
        },
      ],
    },
  },
);
