# Sourced by the launchers: sets LD_PRELOAD to the MKL CPU-dispatch fix on AMD CPUs when it has been built.
# LAYERPROBE_NO_MKL_FIX=1 turns it off.
_lp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_lp_fix="$_lp_root/out/native/libmkl_cpu_dispatch.so"
if [ -z "${LAYERPROBE_NO_MKL_FIX:-}" ] && [ -f "$_lp_fix" ] && grep -q AuthenticAMD /proc/cpuinfo 2>/dev/null; then
  case ":${LD_PRELOAD:-}:" in *":$_lp_fix:"*) ;; *) export LD_PRELOAD="$_lp_fix${LD_PRELOAD:+:$LD_PRELOAD}";; esac
fi
unset _lp_root _lp_fix
