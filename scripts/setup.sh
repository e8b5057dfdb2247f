#!/usr/bin/env bash
# Installs what LayerProbe needs on a Debian 12 machine and builds it. Safe to run again.
# --tests also installs the independent references the tests compare against or run (liblinear, OpenCV, NumPy, PyTorch,
# ONNX, SciPy, labelme's VOC XML, Chromium, Slurm).
set -euo pipefail
cd "$(dirname "$0")/.."

# The demo's packages: Fashion-MNIST; GTK 3, which OpenCvSharp's native library links; real photographs (GPL-2+),
# the backgrounds of `layerprobe make-scenes`.
demo_packages=(dataset-fashion-mnist libgtk-3-0 mate-backgrounds)
# The tests' independent references: every package named in tests/LayerProbe.Tests/References/ExternalReferences.cs
# (a test fails when one is missing here). Add new ones to both.
test_packages=(python3 python3-numpy python3-opencv python3-protobuf python3-torch python3-torchvision python3-onnx python3-pil
  python3-scipy liblinear-tools labelme-examples chromium slurm-wlm slurmctld slurmd munge mount)
packages=("${demo_packages[@]}")
if [ "${1:-}" = "--tests" ]; then packages+=("${test_packages[@]}"); fi
need_apt=()
for p in "${packages[@]}"; do
  [ "$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null)" = installed ] || need_apt+=("$p")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi
command -v dotnet >/dev/null || { echo "setup: the .NET 10 SDK is required (dotnet not on PATH)" >&2; exit 1; }

if command -v cc >/dev/null && [ ! -f out/native/libmkl_cpu_dispatch.so ]; then
  mkdir -p out/native
  cc -shared -fPIC -O2 -o out/native/libmkl_cpu_dispatch.so native/mkl_cpu_dispatch.c
fi

echo "setup: building (Release)"
dotnet build LayerProbe.slnx -c Release -v q -nologo -clp:ErrorsOnly
