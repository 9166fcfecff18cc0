/**
 * esbuild options shared by the CDK NodejsFunctions and the local runtime, which runs the very same
 * bundles. Plain data, so the local runtime need not load aws-cdk-lib.
 */
export const BUNDLING = {
  minify: true,
  sourcemap: true,
  /**
   * Source maps give readable stack traces (--enable-source-maps), which Node parses when the bundle loads. Maps
   * without the sources' text are a third the size (patients: 1.0 MB, not 3.4) and load ~5 ms sooner; a stack
   * trace needs only file and line.
   */
  sourcesContent: false,
  target: 'node22',
  format: 'cjs',
  platform: 'node',
  /**
   * The bundle carries the exact SDK version it was tested with (the runtime's own AWS SDK is not used), less
   * what no function ever calls:
   * - @grpc/proto-loader (with protobufjs, ~135 KB). grpc-js requires it only inside the functions that build
   *   the channelz admin service and ORCA load reports (a server, or a client on the weighted_round_robin
   *   policy); our clients use generated stubs on round_robin and never call them.
   * - The default credential chain's links after the environment (~130 KB with the SSO, STS and sign-in
   *   clients they bring, ~7 ms of every cold start). Lambda, the local runtime and LocalStack always put the
   *   function's credentials in its environment, which the chain reads first; the other links are dynamic
   *   imports that run only when it finds none there.
   * Were one ever reached, its import() would fail loudly (ERR_MODULE_NOT_FOUND: import() does not search the
   * runtime's NODE_PATH), never run other code quietly.
   */
  external: [
    '@grpc/proto-loader',
    '@aws-sdk/credential-provider-sso',
    '@aws-sdk/credential-provider-ini',
    '@aws-sdk/credential-provider-process',
    '@aws-sdk/credential-provider-web-identity',
    '@aws-sdk/credential-provider-http',
    '@smithy/credential-provider-imds',
  ] as string[],
  /**
   * Libraries that only some of a function's request paths need (about 270 KB for grpc-js, 370 KB for the
   * common-password list, 114 KB for the SES client). They stay out of the bundle, which requires them as
   * externals, and ship beside it, each pre-bundled into one file (local/separate-modules.ts): Node loads one on
   * the first request that needs it, or at init where the function preloads it, instead of on every cold start.
   */
  separate: [
    '@grpc/grpc-js',
    '@aws-sdk/client-sesv2',
    '@zxcvbn-ts/language-common/dist/passwords.json.cjs',
  ] as string[],
  mainFields: ['module', 'main'],
} as const;

/** The same options in esbuild's own shape, for bundles built on this machine (the local runtime, tests, the bench). */
export const esbuildOptions = () => ({
  bundle: true,
  minify: BUNDLING.minify,
  sourcemap: BUNDLING.sourcemap,
  sourcesContent: BUNDLING.sourcesContent,
  target: BUNDLING.target,
  format: BUNDLING.format,
  platform: BUNDLING.platform,
  mainFields: [...BUNDLING.mainFields],
  external: [...BUNDLING.external, ...BUNDLING.separate],
});
