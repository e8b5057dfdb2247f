using LayerProbe.Detection;
using LayerProbe.Probes;
using LayerProbe.Tests.Probes;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Detection;

/// <summary>
/// The detectors hard-negative mining trains (warm-started dual CD, R-CNN's settings as they are, eps 0.1) against the
/// reference <c>liblinear-train -s 3 -c 0.001 -w1 2 -B 10</c> (R-CNN's own call) on each class's final cache: per-class
/// AP on held-out synthetic regions must agree within 0.3 points.
/// </summary>
public sealed class DetectorsVsLiblinearTests(ITestOutputHelper output) : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("lp-detectors-liblinear-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [LiblinearFact]
    public void DetectorsAgreeWithLiblinearOnTheFinalCaches()
    {
        using var train = SyntheticDetectionRegions.Make(Path.Combine(_dir, "train"), images: 40, proposals: 120, classes: 4, presentClasses: 4, dims: 64, seed: 23);
        using var test = SyntheticDetectionRegions.Make(Path.Combine(_dir, "test"), images: 30, proposals: 120, classes: 4, presentClasses: 4, dims: 64, seed: 24);
        var settings = new DetectorTrainingSettings { RetrainAfter = 150, ScalingSampleSize = 2000 };
        var result = HardNegativeMining.Train(train.Input(), settings, log: TextWriter.Null);
        var scaling = result.Detectors.Scaling;
        var scaledTrain = scaling.Apply(train.Rows);
        var scaledTest = scaling.Apply(test.Rows);
        var trainer = LiblinearFiles.FindTrainer()!;
        for (int c = 0; c < train.Classes.Length; c++)
        {
            var cache = result.Caches[c]!;
            var rows = cache.Positives.Concat(cache.Negatives).ToArray();
            var labels = rows.Select((_, j) => (sbyte)(j < cache.Positives.Count ? 1 : -1)).ToArray();
            string problem = Path.Combine(_dir, $"cache{c}.txt"), model = Path.Combine(_dir, $"model{c}.txt");
            LiblinearFiles.WriteProblem(problem, new FeatureRowSubset(scaledTrain, rows), labels);
            LiblinearFiles.Train(trainer, "-s 3 -c 0.001 -w1 2 -B 10", problem, model);
            var reference = LiblinearFiles.ReadModel(model, train.Dimensions);

            var y = test.EvaluationLabels(c);
            double apOurs = 100 * VocAp.Classification(result.Detectors.Models[c]!.Decisions(scaledTest), y).ElevenPoint;
            double apRef = 100 * VocAp.Classification(reference.Decisions(scaledTest), y).ElevenPoint;
            output.WriteLine($"class {c}: cache {cache.Positives.Count} + {cache.Negatives.Count}, AP ours {apOurs:F2}, liblinear {apRef:F2}");
            Assert.True(Math.Abs(apOurs - apRef) <= 0.3, $"class {c}: AP {apOurs:F2} vs liblinear {apRef:F2}");
            Assert.InRange(apRef, 30, 99.9); // neither hopeless nor trivial
        }
    }
}
