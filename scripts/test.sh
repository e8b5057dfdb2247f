#!/usr/bin/env bash
# Runs the whole test suite (after setup) and ends with the line 'N passed, N failed' (skipped tests are counted on the line before).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests || { echo "0 passed, 1 failed"; exit 1; }

source scripts/env.sh
results=$(mktemp -d)
dotnet test tests/LayerProbe.Tests -c Release --no-build -nologo \
  --logger "console;verbosity=normal" --logger "trx;LogFileName=results.trx" --results-directory "$results" "$@"
status=$?
counters=$(grep -o '<Counters [^>]*>' "$results/results.trx" 2>/dev/null | head -1)
count() { sed -nE "s/.* $1=\"([0-9]+)\".*/\1/p" <<<"$counters"; }
passed=$(count passed); failed=$(count failed); skipped=$(count notExecuted)
passed=${passed:-0}; failed=${failed:-0}; skipped=${skipped:-0}
[ -z "$counters" ] && [ "$status" -ne 0 ] && failed=1
# The GPU variant (scripts/gpu-variant.sh: its build, and the extraction and device tests on it); its tests count
# with the suite's. LAYERPROBE_GPU_VARIANT=0 leaves it out (e.g. a quick local run with a filter).
if [ "${LAYERPROBE_GPU_VARIANT:-1}" != 0 ]; then
  bash scripts/gpu-variant.sh "$results"
  gpu_status=$?
  counters=$(grep -o '<Counters [^>]*>' "$results/gpu-variant.trx" 2>/dev/null | head -1)
  if [ -n "$counters" ]; then
    passed=$((passed + $(count passed))); failed=$((failed + $(count failed))); skipped=$((skipped + $(count notExecuted)))
  elif [ "$gpu_status" -ne 0 ]; then
    failed=$((failed + 1)); echo "FAILED the GPU variant's build (scripts/gpu-variant.sh)"
  fi
  [ "$gpu_status" -ne 0 ] && status=$gpu_status
fi
# The failures again, each with the first lines of its message, so that a log cut to its end still names them.
if [ "${failed:-0}" -gt 0 ]; then
  python3 - "$results"/*.trx <<'PY' || true
import sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
for r in (r for path in sys.argv[1:] for r in ET.parse(path).getroot().iterfind(".//t:UnitTestResult[@outcome='Failed']", ns)):
    message = (r.findtext(".//t:ErrorInfo/t:Message", default="", namespaces=ns) or "").strip().splitlines()
    print(f"FAILED {r.get('testName')}")
    for line in message[:6]:
        print(f"    {line[:300]}")
PY
fi
rm -rf "$results"
echo "$skipped skipped"
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
