#!/usr/bin/env bash
# GPU check for users with an NVIDIA GPU, CUDA 13 and cuDNN 9: builds LayerProbe's GPU variant (ONNX Runtime's CUDA
# package swapped in by -p:LayerProbeGpu=true, into bin-gpu/ and obj-gpu/ beside the CPU build), then runs the
# extraction benchmark on CaffeNet (227², pool1 … fc8) and ResNet-18 (224², stem-relu … pool5) with --device cuda,
# compares the features with a CPU extraction of the same images in the same process (≤ 1e-3 relative per layer) and
# prints the images per second. Exit 0: all equal; 1: features differ; 2: a step could not run (one line says which).
#
#   scripts/gpu-check.sh [--device cuda:N] [--images 160] [--rounds 3] [--batch 16]
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
source "$root/scripts/env.sh"
device=cuda:0 images=160 rounds=3 batch=16
while [ $# -gt 0 ]; do
  case "$1" in
    --device) device="$2"; shift 2;;
    --images) images="$2"; shift 2;;
    --rounds) rounds="$2"; shift 2;;
    --batch) batch="$2"; shift 2;;
    *) echo "gpu-check: unknown argument '$1' (use --device, --images, --rounds, --batch)" >&2; exit 2;;
  esac
done
work="$(mktemp -d "${TMPDIR:-/tmp}/layerprobe-gpu-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "gpu-check: $*" >&2; exit 2; }

echo "[1/4] building the GPU variant (dotnet build -p:LayerProbeGpu=true; the first restore fetches ~245 MB)"
for project in src/LayerProbe.Cli bench/LayerProbe.Bench; do
  if ! dotnet build "$root/$project" -c Release -p:LayerProbeGpu=true -nodeReuse:false -v q -nologo -clp:ErrorsOnly >"$work/build.log" 2>&1; then
    grep -E 'error|Error' "$work/build.log" | head -5 >&2
    fail "step 1: the GPU build of $project failed (errors above)"
  fi
done
cli="$root/src/LayerProbe.Cli/bin-gpu/Release/net10.0/layerprobe.dll"
bench="$root/bench/LayerProbe.Bench/bin-gpu/Release/net10.0/layerprobe-bench.dll"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/  GPU: /'

echo "[2/4] building CaffeNet (layerprobe build-net caffenet)"
dotnet "$cli" build-net caffenet --out "$work/caffenet.onnx" >"$work/build-net.log" 2>&1 \
  || fail "step 2: $(grep -m1 '^layerprobe:' "$work/build-net.log" || tail -1 "$work/build-net.log")"

status=0
run() { # step name model layers
  local step="$1" name="$2" model="$3" layers="$4" log="$work/$2.log"
  echo "[$step/4] $name on $device against the CPU: $images images x $rounds rounds, batch $batch"
  dotnet "$bench" extraction --model "$model" --layers "$layers" --device "$device" --check-against cpu \
    --images "$images" --rounds "$rounds" --batch "$batch" --out "$work/$name" >"$log" 2>&1
  local code=$?
  if [ $code -eq 2 ] || ! grep -q '^ratio extraction/plain' "$log"; then
    fail "step $step ($name on $device): $(grep -m1 -E '^layerprobe-bench:|Exception' "$log" || tail -1 "$log")"
  fi
  grep -E '^(model|plain ORT|extraction \(|ratio|features on|  [^ ].*max \|)' "$log" | sed 's/^/  /'
  grep -q 'NOT EQUAL' "$log" && status=1
}
run 3 caffenet "$work/caffenet.onnx" pool1,pool2,conv3,conv4,pool5,fc6,fc7,fc8
run 4 resnet18 resnet18-imagenet stem-relu,pool1,res2b,res3b,res4b,res5c,pool5
[ $status -eq 0 ] && echo "gpu-check: features on $device equal the CPU's (<= 1e-3 relative) for both networks" \
                  || echo "gpu-check: features on $device differ from the CPU's (see the layers marked NO)" >&2
exit $status
