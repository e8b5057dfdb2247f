#!/usr/bin/env bash
# Installs what LayerProbe needs on a Debian 12 machine and builds it. Safe to run again.
# --tests also installs the independent references the tests compare against (liblinear, OpenCV, labelme's VOC XML)
# and the headless browser that loads the HTML reports (chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] || need_apt+=(dataset-fashion-mnist)
if [ "${1:-}" = "--tests" ]; then
  command -v liblinear-train >/dev/null || need_apt+=(liblinear-tools)
  [ -d /usr/share/doc/labelme-examples/examples/bbox_detection ] || need_apt+=(labelme-examples)
  /usr/bin/python3 -c "import cv2, numpy" 2>/dev/null || need_apt+=(python3-opencv python3-numpy)
  /usr/bin/python3 -c "import google.protobuf" 2>/dev/null || need_apt+=(python3-protobuf)
  /usr/bin/python3 -c "import torch, torchvision, onnx" 2>/dev/null || need_apt+=(python3-torchvision python3-onnx)
  command -v chromium >/dev/null || need_apt+=(chromium)
fi
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
