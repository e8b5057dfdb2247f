/* MKL (inside libtorch) picks its AVX2 code path on non-Intel CPUs. Defining this symbol in a preloaded library makes
 * it take the AVX-512 path on AMD Zen 4/5 as well: numerically the same to float32 rounding, about 2x the sgemm
 * throughput here (ENVIRONMENT.md §2). Loaded only through scripts/layerprobe, only on AMD CPUs. */
int mkl_serv_intel_cpu_true(void) { return 1; }
