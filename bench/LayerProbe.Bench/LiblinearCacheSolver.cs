using System.Diagnostics;
using LayerProbe.Detection;
using LayerProbe.Probes;

namespace LayerProbe.Bench;

/// <summary>
/// The mining schedule driving <c>liblinear-train</c>, as a user without LayerProbe would run R-CNN's recipe: at each
/// retrain, every due class's cache (scaled rows) is written to a liblinear problem file and trained from scratch by
/// <c>liblinear-train -s 3 -c C -w1 w1 -B B</c> (eps as in the settings), one class after another.
/// </summary>
internal sealed class LiblinearCacheSolver(string trainer, string directory) : IDetectorSolver
{
    public string Name => "liblinear-train -s 3 per class and retrain";
    /// <summary>Seconds spent writing problem files.</summary>
    public double WriteSeconds { get; private set; }
    /// <summary>Seconds spent in liblinear-train (process start to exit).</summary>
    public double TrainSeconds { get; private set; }
    /// <summary>Bytes of problem files written.</summary>
    public long BytesWritten { get; private set; }

    public (LinearModel Model, int Passes)[] Train(IFeatureRows scaledRows, IReadOnlyList<ClassCache> due, SvmSettings settings)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        string options = string.Create(inv, $"-s 3 -c {settings.C} -w1 {settings.PositiveWeight} -B {settings.BiasFeature} -e {settings.Tolerance}");
        var result = new (LinearModel, int)[due.Count];
        for (int q = 0; q < due.Count; q++)
        {
            var cache = due[q];
            var rows = cache.Positives.Concat(cache.Negatives).ToArray();
            var labels = rows.Select((_, j) => (sbyte)(j < cache.Positives.Count ? 1 : -1)).ToArray();
            string problem = Path.Combine(directory, "cache.txt"), model = Path.Combine(directory, "model.txt");
            var clock = Stopwatch.StartNew();
            LiblinearFiles.WriteProblem(problem, new FeatureRowSubset(scaledRows, rows), labels);
            WriteSeconds += clock.Elapsed.TotalSeconds;
            BytesWritten += new FileInfo(problem).Length;
            TrainSeconds += LiblinearFiles.Train(trainer, options, problem, model);
            result[q] = (LiblinearFiles.ReadModel(model, scaledRows.Dimensions), 0);
        }
        return result;
    }
}
