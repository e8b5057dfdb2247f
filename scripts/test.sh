#!/usr/bin/env bash
# Runs the whole test suite (after setup) and ends with the line 'N passed, N failed, N skipped'.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || exit 1

log=$(mktemp)
dotnet test tests/LayerProbe.Tests -c Release --no-build -nologo --logger "console;verbosity=normal" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
summary=$(grep -E '^(Passed|Failed)!' "$log" | tail -1)
passed=$(sed -nE 's/.*Passed: *([0-9]+).*/\1/p' <<<"$summary"); passed=${passed:-0}
failed=$(sed -nE 's/.*Failed: *([0-9]+).*/\1/p' <<<"$summary"); failed=${failed:-0}
skipped=$(sed -nE 's/.*Skipped: *([0-9]+).*/\1/p' <<<"$summary"); skipped=${skipped:-0}
rm -f "$log"
if [ -z "$summary" ] && [ "$status" -ne 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
