#!/usr/bin/env bash
# Packs the CLI as a .NET tool, installs it into a temporary tool path (no global state touched; offline when the
# NuGet packages are in the local cache), runs the shipped demo study at a tiny size from the installed tool and checks
# that its numbers equal those of the CLI built in this checkout. Exit 0: equal; 1: they differ; 2: a step failed.
# About 5 minutes on 2 cores (packing ~3.5 min: the package holds ONNX Runtime, libtorch and OpenCV, ~380 MB).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d /tmp/layerprobe-tool-XXXXXX)
# the package cache keeps every version installed; this run's is removed with the work folder
trap 'rm -rf "$work" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/layerprobe.cli/${version:-none}"' EXIT
step() { echo "[$1] $2"; }
fail() { echo "tool-install-check: $1" >&2; exit 2; }

# A version of its own: NuGet would otherwise install a package of the same id and version from its cache, not this build.
version="0.0.0-check.$(date -u +%Y%m%d%H%M%S)"
step 1/4 "dotnet pack (linux-x64, version $version) -> $work/pack"
dotnet pack src/LayerProbe.Cli -c Release -r linux-x64 -p:PackageVersion="$version" -o "$work/pack" -nodeReuse:false -v q -nologo >"$work/pack.log" 2>&1 \
  || { tail -20 "$work/pack.log"; fail "dotnet pack failed"; }
ls -la "$work"/pack/*.nupkg

step 2/4 "dotnet tool install --tool-path $work/tool --add-source $work/pack LayerProbe.Cli"
dotnet tool install LayerProbe.Cli --version "$version" --tool-path "$work/tool" --add-source "$work/pack" --ignore-failed-sources \
  || fail "dotnet tool install failed"

tiny=(--set data.fashion-mnist.trainval=fashion-mnist:train:4:1 --set data.fashion-mnist.test=fashion-mnist:test:3:1
      --set networks.resnet18.size=32 --set steps.training.skip=true)
step 3/4 "installed tool: layerprobe study demo (tiny)"
"$work/tool/layerprobe" study demo --out "$work/installed" "${tiny[@]}" >"$work/installed.log" 2>&1 \
  || { tail -20 "$work/installed.log"; fail "the installed tool failed"; }

step 4/4 "this checkout's CLI: the same study"
dotnet build src/LayerProbe.Cli -c Release -nodeReuse:false -v q -nologo -clp:ErrorsOnly >/dev/null || fail "build failed"
scripts/layerprobe study studies/demo.yaml --out "$work/checkout" "${tiny[@]}" >"$work/checkout.log" 2>&1 \
  || { tail -20 "$work/checkout.log"; fail "the checkout's CLI failed"; }
for table in layerwise.csv transforms/transforms.csv entropy/entropy-summary.csv grandmother/filters-needed.csv cka/cka.csv; do
  if ! cmp -s "$work/installed/report/$table" "$work/checkout/report/$table"; then
    echo "tool-install-check: $table differs between the installed tool and the checkout" >&2; exit 1
  fi
done
echo "tool-install-check: the installed tool's demo numbers equal the checkout's"
