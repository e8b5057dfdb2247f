#!/usr/bin/env bash
# Installs what is missing, builds, and runs the embedded demo (ResNet-18 ImageNet on Fashion-MNIST).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec scripts/layerprobe demo "$@"
