/**
 * esbuild options shared by the CDK NodejsFunctions and the local runtime, which runs the very same
 * bundles in-process. Plain data, so the local runtime need not load aws-cdk-lib.
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
