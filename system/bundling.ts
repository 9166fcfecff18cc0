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
  /**
   * The bundle carries the exact SDK version it was tested with (the runtime's own AWS SDK is not used).
   * The one external: @grpc/proto-loader (with protobufjs, ~135 KB). grpc-js requires it only inside the
   * functions that build the channelz admin service and ORCA load reports (a server, or a client on the
   * weighted_round_robin policy); our clients use generated stubs on round_robin (not weighted_round_robin) and
   * never call them, so the bundles leave it out. Were it ever required, the call would fail loudly, not differ.
   */
  external: ['@grpc/proto-loader'] as string[],
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
