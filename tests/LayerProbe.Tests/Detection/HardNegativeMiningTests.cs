using LayerProbe.Detection;
using LayerProbe.Probes;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Detection;

/// <summary>
/// Hard-negative mining against a direct transcription of R-CNN's <c>rcnn_train.m</c> schedule written here with plain
/// lists: every retrain is a cold start of the dual CD solver on that class alone (no warm start, no sharing of rows
/// between classes, another visiting order), scores are <see cref="LinearModel.Decision"/> on scaled copies of the rows.
/// Both sides solve to a tight tolerance, so they reach the same optimum; the mined caches (rows and order), the retrain
/// points and the final models must then agree.
/// </summary>
public sealed class HardNegativeMiningTests(ITestOutputHelper output) : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("lp-mining-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    static DetectorTrainingSettings Tight => new()
    {
        RetrainAfter = 60, // several retrains inside the epoch on a small set
        Svm = SvmSettings.RcnnDetection with { Tolerance = 1e-6, MaxIterations = 100_000 },
        ScalingSampleSize = 500,
    };

    /// <summary>The transcription: R-CNN's loop over images, then over classes, with lists and cold retrains.</summary>
    static (List<(int Image, int Class)> Retrains, List<int>[] Caches, LinearModel?[] Models) Transcription(SyntheticDetectionRegions data, DetectorTrainingSettings s)
    {
        int k = data.Classes.Length, d = data.Dimensions, n = data.Count, last = data.ImageStarts.Length - 2;
        var scaling = FeatureScaling.Estimate(data.Rows, s.ScalingSampleSize, s.ScalingSeed, s.TargetNorm);
        var x = Enumerable.Range(0, n).Select(r => data.Features.AsSpan(r * d, d).ToArray().Select(v => v * (float)scaling.Factor).ToArray()).ToArray();
        var t = data.Table;
        var pos = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, n).Where(r => t.IsGroundTruth(r) && t.ClassIndex(r) == c).ToList()).ToArray();
        var neg = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        var added = new int[k];
        var models = new LinearModel?[k];
        var retrains = new List<(int, int)>();
        double Score(int c, int r) => models[c]?.Decision(x[r]) ?? 0;
        for (int i = 0; i <= last; i++)
        {
            var rows = Enumerable.Range(data.ImageStarts[i], data.ImageStarts[i + 1] - data.ImageStarts[i]).ToList();
            for (int c = 0; c < k; c++)
            {
                if (pos[c].Count == 0) continue;
                var fresh = rows.Where(r => t.Overlap(r, c) < s.NegativeOverlap && (i == 0 || Score(c, r) > s.HardThreshold) && !neg[c].Contains(r)).ToList();
                neg[c].AddRange(fresh);
                added[c] += fresh.Count;
            }
            for (int c = 0; c < k; c++)
            {
                if (pos[c].Count == 0 || neg[c].Count == 0 || !(i == 0 || added[c] > s.RetrainAfter || i == last)) continue;
                var cache = pos[c].Concat(neg[c]).ToArray();
                var rowsOfCache = new DenseFeatureRows(cache.SelectMany(r => x[r]).ToArray(), cache.Length, d);
                var labels = cache.Select((_, j) => (sbyte)(j < pos[c].Count ? 1 : -1)).ToArray();
                models[c] = DualCoordinateDescentSvm.Train(rowsOfCache, labels, s.Svm);
                added[c] = 0;
                retrains.Add((i, c));
                neg[c].RemoveAll(r => Score(c, r) < s.EvictThreshold);
            }
        }
        return (retrains, neg, models);
    }

    [Fact]
    public void MiningMatchesADirectTranscriptionOfTheSchedule()
    {
        using var data = SyntheticDetectionRegions.Make(_dir, images: 24, proposals: 70, classes: 4, presentClasses: 4, dims: 40, seed: 17);
        var settings = Tight;
        var ours = HardNegativeMining.Train(data.Input(), settings, log: TextWriter.Null);
        var (retrains, caches, models) = Transcription(data, settings);

        var ourRetrains = ours.Retrains.OrderBy(r => r.Image).ThenBy(r => r.Class).Select(r => (r.Image, r.Class)).ToList();
        output.WriteLine($"retrains: {string.Join(" ", retrains.Select(r => $"{r.Image}:{r.Class}"))}");
        output.WriteLine($"final caches: {string.Join(", ", caches.Select(c => c.Count))}; evicted in all: {ours.Retrains.Sum(r => r.Evicted)}");
        Assert.True(retrains.Count >= 4 * 3, "the schedule should retrain every class more than at the first and last image");
        Assert.Contains(ours.Retrains, r => r.Evicted > 0);
        Assert.Equal(retrains, ourRetrains);
        for (int c = 0; c < data.Classes.Length; c++)
        {
            Assert.Equal(caches[c], ours.Caches[c]!.Negatives);
            var a = ours.Detectors.Models[c]!;
            var b = models[c]!;
            double maxW = b.Weights.Max(v => Math.Abs(v)), diff = a.Weights.Zip(b.Weights, (p, q) => Math.Abs(p - q)).Max();
            output.WriteLine($"class {c}: |Δw|∞ = {diff:G3} (|w|∞ {maxW:G3}), bias {a.Bias:F5} vs {b.Bias:F5}");
            Assert.True(diff <= 1e-3 * maxW, $"class {c}: weights differ by {diff}");
            Assert.True(Math.Abs(a.Bias - b.Bias) <= 1e-3 * Math.Max(1, Math.Abs(b.Bias)), $"class {c}: bias {a.Bias} vs {b.Bias}");
        }
    }

    [Fact]
    public void ClassWithoutPositivesIsNamedAndGetsNoDetector()
    {
        using var data = SyntheticDetectionRegions.Make(_dir, images: 6, proposals: 40, classes: 3, presentClasses: 2, dims: 16, seed: 5);
        var log = new StringWriter();
        var result = HardNegativeMining.Train(data.Input(), new DetectorTrainingSettings { ScalingSampleSize = 200 }, log: log);
        Assert.Equal(["class2"], result.ClassesWithoutPositives);
        Assert.Null(result.Detectors.Models[2]);
        Assert.Null(result.Caches[2]);
        Assert.Equal([0, 1], result.Detectors.TrainedClasses);
        Assert.Contains(result.Warnings, w => w.StartsWith("class2: no ground-truth box", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Retrains, r => r.Class == 2);
    }

    [Fact]
    public void FeatureRowsThatDoNotMatchTheRegionTableAreOneClearLine()
    {
        using var data = SyntheticDetectionRegions.Make(_dir, images: 3, proposals: 10, classes: 2, presentClasses: 2, dims: 8, seed: 9);
        var shorter = new DenseFeatureRows(data.Features[..((data.Count - 1) * data.Dimensions)], data.Count - 1, data.Dimensions);
        var e = Assert.Throws<LayerProbeException>(() => new DetectorTrainingInput(shorter, "/stores/pool5", data.Table, data.TablePath, data.ImageStarts, data.Classes, "pool5"));
        output.WriteLine(e.Message);
        Assert.StartsWith("/stores/pool5: ", e.Message);
        Assert.Contains($"{data.Count - 1} feature rows", e.Message);
        Assert.Contains($"{data.Count} rows", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
