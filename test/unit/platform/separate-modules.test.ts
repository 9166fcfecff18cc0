/** Which separate modules (BUNDLING.separate) a bundle needs beside it, read from the specifiers esbuild leaves. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { separateModulesOf } from '../../../local/separate-modules';

const bundleOf = (code: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'pms-separate-')), 'index.js');
  writeFileSync(file, code);
  return file;
};

it('names each separate module the bundle requires or imports, and no other', () => {
  const bundle = bundleOf(
    'var g=()=>require("@grpc/grpc-js");var p=()=>require("@zxcvbn-ts/language-common/dist/passwords.json.cjs");',
  );
  expect(separateModulesOf(bundle).sort()).toEqual([
    '@grpc/grpc-js',
    '@zxcvbn-ts/language-common/dist/passwords.json.cjs',
  ]);
  expect(separateModulesOf(bundleOf('module.exports={}'))).toEqual([]);
});

it('refuses a path inside a separate module: it would be external, but nothing would ship it', () => {
  expect(() => separateModulesOf(bundleOf('require("@grpc/grpc-js/build/src/channel")'))).toThrow(
    /requires a path inside @grpc\/grpc-js/,
  );
});
