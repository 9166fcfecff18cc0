/** Every exact pin and override in package.json has its reason in DEPENDENCIES.md, and every row there is still a pin. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Record<
  string,
  Record<string, string> | undefined
>;
const SECTIONS = ['dependencies', 'devDependencies', 'optionalDependencies'] as const;
const EXACT = /^\d+\.\d+\.\d+(-[\w.]+)?$/;

/** `name@version` of each pin, with the package.json section it is in. */
function pins(): string[] {
  const exact = SECTIONS.flatMap((section) =>
    Object.entries(pkg[section] ?? {})
      .filter(([, version]) => EXACT.test(version))
      .map(([name, version]) => `${name}@${version} ${section}`),
  );
  // A nested override (a package's own dependency) is recorded as `name@dependency=version`.
  const overrides = Object.entries(pkg.overrides ?? {}).map(
    ([name, version]) =>
      `${name}@${
        typeof version === 'string'
          ? version
          : Object.entries(version)
              .map(([dep, v]) => `${dep}=${String(v)}`)
              .join(',')
      } overrides`,
  );
  return [...exact, ...overrides].sort();
}

/** The same, from the table's rows: | `name` | `version` | section | reason |. */
function documented(): { pins: string[]; reasons: string[] } {
  const rows = [
    ...readFileSync(join(ROOT, 'DEPENDENCIES.md'), 'utf8').matchAll(
      /^\| `([^`]+)` \| `([^`]+)` \| (\w+) \| (.*) \|$/gm,
    ),
  ];
  return {
    pins: rows.map(([, name, version, section]) => `${name}@${version} ${section}`).sort(),
    reasons: rows.map((row) => row[4]!.trim()),
  };
}

it('gives every exact version and override in package.json a row in DEPENDENCIES.md, and no row to anything else', () => {
  expect(pins().length).toBeGreaterThan(0);
  expect(documented().pins).toEqual(pins());
});

it('says why in every row', () => {
  for (const reason of documented().reasons) expect(reason.length).toBeGreaterThan(20);
});
