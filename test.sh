#!/usr/bin/env bash
# Builds everything and runs every test suite against real PostgreSQL, Redis and service
# processes. Suites that start an AppHost run one at a time: two whole platforms on two
# cores slow each other's health waits into time-outs.
set -euo pipefail
cd "$(dirname "$0")"
eng/prerequisites.sh --tests

started=$SECONDS
dotnet build PaymentPlatform.sln -c Debug -nologo -clp:ErrorsOnly

passed=0 failed=0 status=0
results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
for project in tests/*.Tests/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  echo "== $name"
  suite_started=$SECONDS
  if ! dotnet test "$project" --no-build -nologo --logger "trx;LogFileName=$name.trx" --results-directory "$results"; then
    status=1
  fi
  echo "== $name: $((SECONDS - suite_started)) s"
done

# One closing line for all suites, from the runners' own result files.
for trx in "$results"/*.trx; do
  [[ -e "$trx" ]] || continue
  p=$(grep -o 'passed="[0-9]*"' "$trx" | head -1 | tr -dc 0-9)
  f=$(grep -o 'failed="[0-9]*"' "$trx" | head -1 | tr -dc 0-9)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
done
echo "Tests took $((SECONDS - started)) s in all."
echo "$passed passed, $failed failed"
exit $status
