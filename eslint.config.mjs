import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';

const PRODUCTION = ['{system,functions,billing,infra,local,scripts}/**/*.ts'];

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
    // Production code gets the type-aware rules (unsafe `any`, floating promises, unbound methods, needless
    // assertions); tests, bench and the web app stay on `recommended` (see below).
    files: PRODUCTION,
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      // `async` without `await` is how a synchronous implementation meets a Promise-returning port or route (a throw becomes a rejection).
      '@typescript-eslint/require-await': 'off',
    },
  },
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
