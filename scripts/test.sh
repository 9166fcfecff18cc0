#!/usr/bin/env bash
# The one test command: type check, lint, formatting, the protos (buf lint, buf breaking against main, proto/gen up to
# date), the capacity model (`npm run capacity`: no partition key over its limit at the design load), every Jest
# project (unit, integration, infra, e2e), then the reliability suite in its short form.
# Prints its own closing line `N passed, M failed` (each check counts as a test); exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
# Everything runs on Lambda's Node (22), which the optional dependency node-linux-<arch> installs: npm scripts
# put node_modules/.bin first on PATH, and so does this line when the script is run directly.
export PATH="$PWD/node_modules/.bin:$PATH"
export CDK_DISABLE_CLI_TELEMETRY=true
echo "node $(node -v) ($(command -v node))"
mkdir -p .data
rm -f .data/jest-results.json .data/reliability-results.json
checks_passed=0; checks_failed=0; status=0
run_check() {
  echo "== $1"
  if "${@:2}"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); status=1; fi
}
run_check typecheck npx tsc --noEmit -p tsconfig.json
run_check lint npm run -s lint
run_check format npx prettier --check .
run_check "buf lint" npx buf lint
run_check "buf breaking against main" bash scripts/proto-breaking.sh
run_check "proto/gen regenerated" bash scripts/gen-proto.sh --check
run_check capacity npx tsx scripts/capacity.ts
run_check web-typecheck npm run --silent web:typecheck
echo "== jest: unit, integration, infra, e2e"
npx jest --ci --json --outputFile=.data/jest-results.json "$@" || status=1
if [ $# -eq 0 ]; then
  echo "== reliability (short)"
  RELIABILITY_SHORT=1 npx jest --ci -c test/reliability/jest.config.js --json --outputFile=.data/reliability-results.json || status=1
fi
read -r passed failed < <(node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) continue;
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    const suiteErrors = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
    passed += r.numPassedTests; failed += r.numFailedTests + suiteErrors;
  }
  console.log(passed, failed);' .data/jest-results.json .data/reliability-results.json)
[ -f .data/jest-results.json ] || failed=$((failed + 1))
echo "$((passed + checks_passed)) passed, $((failed + checks_failed)) failed"
exit $status
