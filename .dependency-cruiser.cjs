/* global module */
/**
 * The dependency rules between the top-level folders (ARCHITECTURE.md). `npm run lint` runs them: a forbidden
 * import fails it. system/ is the neutral description every part reads; runtime code never reads the IaC.
 */
const folder = (name) => `^${name}/`;
module.exports = {
  forbidden: [
    {
      name: 'system-imports-nothing-of-ours',
      severity: 'error',
      comment: 'system/ describes the system; it imports no other folder of the project',
      from: { path: folder('system') },
      to: { path: '^(functions|infra|billing|local|scripts|test|bench|web|proto)/' },
    },
    {
      name: 'functions-only-system-and-proto',
      severity: 'error',
      comment:
        'Lambda code reads system/ and the generated protos, never the IaC, the billing server, the local runtime or tests',
      from: { path: folder('functions') },
      to: { path: '^(infra|billing|local|scripts|test|bench|web)/' },
    },
    {
      name: 'billing-only-system-and-proto',
      severity: 'error',
      comment: 'the billing server is its own deployable: its image holds billing/, system/ and proto/gen only',
      from: { path: folder('billing') },
      to: { path: '^(functions|infra|local|scripts|test|bench|web)/' },
    },
    {
      name: 'infra-no-runtime-code',
      severity: 'error',
      comment:
        'the IaC reads the descriptions in system/ and names handler files by path; it imports no function, billing or local code',
      from: { path: folder('infra') },
      to: { path: '^(functions|billing|local|scripts|test|bench|web/src)/' },
    },
    {
      name: 'local-no-iac-no-tests',
      severity: 'error',
      comment: 'the local runtime runs the functions and billing from system/ descriptions; never the IaC or tests',
      from: { path: folder('local') },
      to: { path: '^(infra|scripts|test|bench)/' },
    },
    {
      name: 'commons-no-context',
      severity: 'error',
      comment: 'functions/commons is shared by every context and depends on none of them',
      from: { path: '^functions/commons/' },
      to: { path: '^functions/(?!commons/)' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles anywhere in the project',
      from: { pathNot: '^node_modules' },
      to: { circular: true },
    },
    { name: 'not-to-unresolvable', severity: 'error', from: {}, to: { couldNotResolve: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      mainFields: ['main', 'types'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json', '.d.ts'],
    },
  },
};
