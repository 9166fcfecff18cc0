#!/usr/bin/env bash
# Generates typed TypeScript (messages and grpc-js service definitions) from proto/*.proto with ts-proto.
# buf (an npm package that ships its own compiler) drives the plugin, so no protoc install is needed.
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf proto/gen
npx buf generate
echo "generated: $(ls proto/gen | tr '\n' ' ')"
