using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using LayerProbe.Detection;

namespace LayerProbe.Bench;

/// <summary>
/// One class of R-CNN's box regression at pool5 size: the normal equations of n bias-augmented ReLU-like rows
/// (streamed in blocks of 256) and their Cholesky solve at λ = 1000, against NumPy computing the same
/// (X̃ᵀX̃ + λI)⁻¹X̃ᵀY with <c>np.linalg.solve</c> on the same rows in the same run; prints both times, the ratio and
/// the largest relative difference of β.
/// </summary>
sealed class BoxRegressionBench : IBenchmark
{
    public string Name => "boxreg";
    public string Description => "box-regression ridge (normal equations + Cholesky) vs numpy's solve on the same rows: boxreg [PAIRS] [DIMS]";

    const double Target = 1.0;

    public int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
        int d = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 9216;
        const int k = 4, block = 256;
        const double lambda = 1000;
        var x = SyntheticReluFeatures.Make(n, 0, d, 2, seed: 5).Train;
        var random = new Random(3);
        var y = new double[n * k];
        for (int i = 0; i < y.Length; i++) y[i] = random.NextDouble() - 0.5;
        Console.WriteLine($"{n} pairs × {d} dims (+ bias), {k} targets, λ = {lambda}, {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

        var clock = Stopwatch.StartNew();
        double[] beta;
        double accumulate;
        using (var ridge = new RidgeRegression(d, k))
        {
            var rows = new double[block * (d + 1)];
            for (int start = 0; start < n; start += block)
            {
                int m = Math.Min(block, n - start);
                for (int q = 0; q < m; q++)
                {
                    for (int j = 0; j < d; j++) rows[q * (d + 1) + j] = x[(start + q) * d + j];
                    rows[q * (d + 1) + d] = 1;
                }
                ridge.Add(rows, y[(start * k)..((start + m) * k)], m);
            }
            accumulate = clock.Elapsed.TotalSeconds;
            beta = ridge.Solve(lambda);
        }
        double ours = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"ours:  {ours:F2} s (normal equations {accumulate:F2} s, {n / accumulate:F0} rows/s; Cholesky solve {ours - accumulate:F2} s)");

        string dir = Directory.CreateTempSubdirectory("layerprobe-boxreg-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(dir, "x.bin"), MemoryMarshal.AsBytes(x.AsSpan()).ToArray());
            File.WriteAllBytes(Path.Combine(dir, "y.bin"), MemoryMarshal.AsBytes(y.AsSpan()).ToArray());
            string script = $"""
                import time, numpy as np
                x = np.fromfile('{dir}/x.bin', dtype='<f4').reshape({n}, {d}); y = np.fromfile('{dir}/y.bin', dtype='<f8').reshape({n}, {k})
                t = time.perf_counter()
                xa = np.hstack([x.astype(np.float64), np.ones(({n}, 1))])
                beta = np.linalg.solve(xa.T @ xa + {lambda} * np.eye({d + 1}), xa.T @ y)
                print(time.perf_counter() - t)
                beta.astype('<f8').tofile('{dir}/beta.bin')
                """;
            var info = new ProcessStartInfo("/usr/bin/python3", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            using var p = Process.Start(info)!;
            string stdout = p.StandardOutput.ReadToEnd(), stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) { Console.WriteLine($"numpy reference failed: {stderr}"); return 1; }
            double numpy = double.Parse(stdout.Trim(), CultureInfo.InvariantCulture);
            var reference = MemoryMarshal.Cast<byte, double>(File.ReadAllBytes(Path.Combine(dir, "beta.bin"))).ToArray();
            double scale = reference.Max(Math.Abs), diff = reference.Zip(beta, (a, b) => Math.Abs(a - b)).Max() / scale;
            double ratio = numpy / ours;
            Console.WriteLine($"numpy: {numpy:F2} s (Gram + np.linalg.solve, float64)");
            Console.WriteLine($"ratio numpy/ours {ratio:F2} (target ≥ {Target:F1}); max |Δβ| / max |β| = {diff:E1}");
            return ratio >= Target && diff < 1e-8 ? 0 : 1;
        }
        finally { Directory.Delete(dir, true); }
    }
}
