#!/usr/bin/env bash
# The GPU variant on a machine without a GPU (run by scripts/test.sh; the CI machines have no GPU). Builds it
# (-p:LayerProbeGpu=true: ONNX Runtime's CUDA package swapped in for the CPU one, into bin-gpu/ and obj-gpu/ beside the
# CPU build), shows what `extract --device cuda` says here, then runs the suite's extraction tests and device tests on
# the GPU build — its CPU fallback, and the one-line refusal of cuda without CUDA (DeviceOptionTests). Their results go
# to RESULTS/gpu-variant.trx so that scripts/test.sh counts them with the suite's.
#
#   scripts/gpu-variant.sh RESULTS_DIR
# Exit 0: built and every test passed; 1 otherwise (the build's errors or the failed tests above).
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
results="${1:?usage: scripts/gpu-variant.sh RESULTS_DIR}"
mkdir -p "$results"
tests=(
  "FullyQualifiedName~LayerProbe.Tests.Features."
  "FullyQualifiedName~LayerProbe.Tests.Networks.ExecutionDeviceTests"
  "FullyQualifiedName~LayerProbe.Tests.Cli.DeviceOptionTests"
)
filter=$(IFS='|'; echo "${tests[*]}")

echo "gpu-variant: building (dotnet build tests/LayerProbe.Tests -c Release -p:LayerProbeGpu=true; the first restore fetches ~245 MB)"
start=$SECONDS
if ! dotnet build tests/LayerProbe.Tests -c Release -p:LayerProbeGpu=true -nodeReuse:false -v q -nologo -clp:ErrorsOnly; then
  echo "gpu-variant: the GPU build failed (errors above)"
  exit 1
fi
echo "gpu-variant: built in $((SECONDS - start)) s: $(ls src/LayerProbe.Cli/bin-gpu/Release/net10.0/runtimes/linux-x64/native/ | grep onnxruntime | tr "\n" " ")"

cli=src/LayerProbe.Cli/bin-gpu/Release/net10.0/layerprobe.dll
work=$(mktemp -d)
dotnet "$cli" extract --model resnet18-imagenet --layers pool1 --data fashion-mnist:test:1:1 --out "$work/out" --device cuda >"$work/out.log" 2>"$work/err.log"
code=$?
echo "gpu-variant: extract --device cuda here: exit $code, $(wc -l <"$work/err.log") line(s) on stderr: $(head -c 400 "$work/err.log")"
rm -rf "$work"

dotnet test tests/LayerProbe.Tests/bin-gpu/Release/net10.0/LayerProbe.Tests.dll --filter "$filter" \
  --logger "console;verbosity=minimal" --logger "trx;LogFileName=gpu-variant.trx" --results-directory "$results"
