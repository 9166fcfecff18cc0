/**
 * The web app's build (`npm run web:build`, run once by `npm start` and by `cdk synth`) and its dev server
 * (`npm run dev`: reloads on save, and proxies the API paths to the local runtime so the app and the API
 * share one origin, as under `npm start` and behind CloudFront).
 */
import { defineConfig } from 'vite';
import { API_PATH_PREFIXES } from '../system/web-app';

const api = `http://127.0.0.1:${process.env.API_PORT ?? 4000}`;

export default defineConfig({
  root: __dirname,
  // The app is written against React's API and runs on Preact's compatible one: a tenth of React's weight.
  resolve: {
    alias: [
      { find: /^react-dom\/client$/, replacement: 'preact/compat/client' },
      { find: /^react\/jsx-(dev-)?runtime$/, replacement: 'preact/jsx-runtime' },
      { find: /^react(-dom)?$/, replacement: 'preact/compat' },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline script anywhere: the Content-Security-Policy allows none.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    rolldownOptions: {
      // TanStack Query marks its modules "use client" for React Server Components, which this app does not use.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: Number(process.env.WEB_DEV_PORT ?? 5173),
    strictPort: true,
    proxy: Object.fromEntries(API_PATH_PREFIXES.map((prefix) => [prefix, { target: api }])),
  },
});
