/**
 * `tsx scripts/separate-modules.ts <bundle.js>`: builds the separate modules the bundle refers to beside it
 * (local/separate-modules.ts). The CDK functions run it after esbuild (infra/constructs/service-function.ts).
 */
import { buildSeparateModules } from '../local/separate-modules';

const bundle = process.argv[2];
if (!bundle) {
  console.error('usage: tsx scripts/separate-modules.ts <bundle.js>');
  process.exit(2);
}
buildSeparateModules([bundle]).then(
  (built) => console.error(`separate modules beside ${bundle}: ${built.join(', ') || 'none'}`),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
