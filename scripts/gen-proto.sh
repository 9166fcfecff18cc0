#!/usr/bin/env bash
# Generates typed TypeScript (messages and grpc-js service definitions) from proto/*.proto with ts-proto.
# buf (an npm package that ships its own compiler) drives the plugin, so no protoc install is needed.
#   bash scripts/gen-proto.sh           regenerate proto/gen
#   bash scripts/gen-proto.sh --check   regenerate into a temporary folder and fail if proto/gen differs
#                                       (a .proto edited without regenerating, or generated code edited by hand)
set -euo pipefail
cd "$(dirname "$0")/.."
PATH="$PWD/node_modules/.bin:$PATH"
if [ "${1:-}" = "--check" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  buf generate -o "$tmp"
  if ! diff -ru proto/gen "$tmp/proto/gen"; then
    echo "proto/gen is not what proto/ generates: run npm run gen:proto and commit the result"
    exit 1
  fi
  echo "proto/gen matches proto/"
  exit 0
fi
rm -rf proto/gen
buf generate
echo "generated: $(ls proto/gen | tr '\n' ' ')"
