/**
 * esbuild options shared by the CDK NodejsFunctions and the local runtime, which runs the very same
 * bundles. Plain data, so the local runtime need not load aws-cdk-lib.
 */
export const BUNDLING = {
  minify: true,
  sourcemap: true,
  target: 'node22',
  format: 'cjs',
  platform: 'node',
  /** Nothing external: the bundle carries the exact SDK version it was tested with. */
  external: [] as string[],
  mainFields: ['module', 'main'],
} as const;

/** The same options in esbuild's own shape, for bundles built on this machine (the local runtime, tests, the bench). */
export const esbuildOptions = () => ({
  bundle: true,
  minify: BUNDLING.minify,
  sourcemap: BUNDLING.sourcemap,
  target: BUNDLING.target,
  format: BUNDLING.format,
  platform: BUNDLING.platform,
  mainFields: [...BUNDLING.mainFields],
  external: [...BUNDLING.external],
});
