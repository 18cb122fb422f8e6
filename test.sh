#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs what the tests need,
# starts the local stand-ins, runs every test project, stops the stand-ins and
# prints one closing line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)
results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

pids=()
cleanup() {
  for pid in "${pids[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT

# --- local stand-ins (each starts itself and is stopped by the trap) ---------
for starter in tests/stand-ins/*/start.sh; do
  [ -f "$starter" ] || continue
  echo "starting stand-in: $starter"
  # shellcheck disable=SC1090
  source "$starter"
done

# --- the Teams manifest validator (npm, pinned by its package-lock.json) ------
npm ci --prefix teams/validate --no-audit --no-fund --silent

# --- build and run every test project ----------------------------------------
dotnet build Agile.CustomerService.sln -c Release -nologo -v quiet
status=0
dotnet test Agile.CustomerService.sln -c Release --no-build -nologo \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory "$results" || status=$?

# --- one closing line, summed over every project's results -------------------
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  n=$(sed -n 's/.* notExecuted="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${n:-0}))
done
[ -f artifacts/fault-suite.txt ] && cat artifacts/fault-suite.txt
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then status=1; echo "no test results found"; fi
[ "$skipped" -gt 0 ] && { echo "$skipped tests were not executed (skipped tests are not allowed)"; status=1; }
echo "$passed passed, $failed failed"
exit "$status"
