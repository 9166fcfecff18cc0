#!/usr/bin/env bash
# The one test command: type check, lint, then every Jest project (unit, integration, infra, e2e).
# Prints its own closing line `N passed, M failed` (checks count as tests); exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true CDK_DISABLE_CLI_TELEMETRY=true
mkdir -p .data
results=.data/jest-results.json
rm -f "$results"
checks_passed=0; checks_failed=0
run_check() {
  echo "== $1"
  if "${@:2}"; then checks_passed=$((checks_passed + 1)); else checks_failed=$((checks_failed + 1)); fi
}
run_check typecheck npx tsc --noEmit -p tsconfig.json
run_check lint npx eslint .
echo "== jest"
npx jest --ci --json --outputFile="$results" "$@"
jest_status=$?
read -r passed failed < <(node -e '
  const fs = require("fs"); const f = process.argv[1];
  if (!fs.existsSync(f)) { console.log("0 1"); process.exit(0); }
  const r = JSON.parse(fs.readFileSync(f, "utf8"));
  const suiteErrors = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(r.numPassedTests, r.numFailedTests + suiteErrors);' "$results")
passed=$((passed + checks_passed)); failed=$((failed + checks_failed))
echo "${passed} passed, ${failed} failed"
[ "$jest_status" -eq 0 ] && [ "$checks_failed" -eq 0 ]
