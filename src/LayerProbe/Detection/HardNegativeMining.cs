using System.Globalization;
using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// R-CNN's detector training (docs/method.md §6.3–6.4, <c>rcnn_train.m</c>), one epoch over the training images in
/// order. Per class: positives = every GT row of the class; negatives = rows whose overlap with the class is below
/// <see cref="DetectorTrainingSettings.NegativeOverlap"/>. The first image adds all its negatives to every class's
/// cache; every later image adds the negatives its rows' scores under the class's current model put above
/// <see cref="DetectorTrainingSettings.HardThreshold"/> (a row is only ever offered at its own image, so within one
/// epoch it is never already cached). After an image's negatives are added, every class whose retraining is due —
/// the first image, more than <see cref="DetectorTrainingSettings.RetrainAfter"/> negatives added since its last
/// training, or the last image — is retrained (all due classes in one call of the solver), and its cached negatives
/// scoring below <see cref="DetectorTrainingSettings.EvictThreshold"/> are evicted. Before its first training a class's
/// model is zero (every score 0). Features are scaled to the target mean norm (§6.3) before training and scoring.
/// Caches hold row indices, so memory is bounded by the caches, never by the number of regions.
/// </summary>
public static class HardNegativeMining
{
    /// <summary>Trains one detector per class with positives; classes without positives are named and get none.</summary>
    public static DetectorTraining Train(DetectorTrainingInput input, DetectorTrainingSettings? settings = null,
        IDetectorSolver? solver = null, TextWriter? log = null, CancellationToken cancellation = default)
    {
        settings ??= DetectorTrainingSettings.Rcnn;
        solver ??= new WarmStartedDualSolver();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var table = input.Regions;
        int k = input.Classes.Count, d = input.Features.Dimensions;
        if (input.Features.Count == 0) throw LayerProbeException.For(input.FeaturesPath, "no region rows to train detectors on");
        var scaling = FeatureScaling.Estimate(input.Features, settings.ScalingSampleSize, settings.ScalingSeed, settings.TargetNorm);
        var scaled = scaling.Apply(input.Features);

        var positives = Enumerable.Range(0, k).Select(_ => new List<int>()).ToArray();
        for (int r = 0; r < table.Count; r++)
            if (table.IsGroundTruth(r) && table.ClassIndex(r) is var c && (uint)c < (uint)k) positives[c].Add(r);
        var caches = new ClassCache?[k];
        var withoutPositives = new List<string>();
        for (int c = 0; c < k; c++)
        {
            if (positives[c].Count == 0) { withoutPositives.Add(input.Classes[c]); continue; }
            var rows = positives[c].ToArray();
            caches[c] = new ClassCache(c, rows, rows.Select(r => SquaredNorm(scaled, r)).ToArray());
        }
        if (withoutPositives.Count == k) throw LayerProbeException.For(input.RegionsPath, "no class has a ground-truth row: there is no detector to train");
        var active = Enumerable.Range(0, k).Where(c => caches[c] is not null).ToArray();

        var run = new Run(input, settings, solver, scaling, scaled, caches, active, log ?? Console.Error);
        var progress = new Progress($"hard-negative mining ({input.Layer}, {active.Length} classes)", input.Images, log);
        for (int image = 0; image < input.Images; image++)
        {
            cancellation.ThrowIfCancellationRequested();
            run.Mine(image);
            var due = active.Select(c => caches[c]!)
                .Where(cache => (image == 0 || cache.AddedSinceTraining > settings.RetrainAfter || image == input.Images - 1) && cache.Negatives.Count > 0)
                .ToArray();
            if (due.Length > 0)
            {
                progress.Finish();
                run.Retrain(image, due);
            }
            progress.Report(image + 1);
        }

        var warnings = withoutPositives.Select(name => $"{name}: no ground-truth box in the training regions, no detector (left out of the mean)").ToList();
        foreach (int c in active)
            if (caches[c]!.Model is null) warnings.Add($"{input.Classes[c]}: no negatives (every row overlaps it by {settings.NegativeOverlap} or more), no detector");
        var set = new DetectorSet(input.Classes, caches.Select(cache => cache?.Model).ToArray(), scaling, input.Layer);
        return new DetectorTraining(set, withoutPositives, warnings, run.Retrains, caches, settings, solver.Name, clock.Elapsed.TotalSeconds);
    }

    static double SquaredNorm(IFeatureRows rows, int r)
    {
        var row = rows.Row(r);
        return VectorMath.Dot(row, row);
    }

    /// <summary>The state of one training run: caches, the current models as a k × d matrix (for scoring many classes per row read), the retrain log.</summary>
    sealed class Run(DetectorTrainingInput input, DetectorTrainingSettings settings, IDetectorSolver solver, FeatureScaling scaling,
        IFeatureRows scaled, ClassCache?[] caches, int[] active, TextWriter log)
    {
        readonly int _k = input.Classes.Count, _d = input.Features.Dimensions;
        readonly float[] _weights = new float[input.Classes.Count * input.Features.Dimensions];
        readonly double[] _biases = new double[input.Classes.Count];
        public readonly List<DetectorRetrain> Retrains = [];

        bool IsNegative(int row, int c) =>
            input.Regions.Overlap(row, c) < settings.NegativeOverlap && (settings.GroundTruthNegatives || !input.Regions.IsGroundTruth(row));

        /// <summary>Adds image <paramref name="image"/>'s new negatives to every class cache, in row order per class.</summary>
        public void Mine(int image)
        {
            var (start, end) = input.ImageRows(image);
            if (end == start) return;
            bool all = image == 0 && settings.FirstImageAllNegatives;
            var scores = all ? null : Scores(start, end);
            var norms = new double[end - start];
            Array.Fill(norms, double.NaN);
            foreach (int c in active)
            {
                var cache = caches[c]!;
                for (int r = start; r < end; r++)
                {
                    if (all ? !IsNegative(r, c) : !(scores![(r - start) * _k + c] > settings.HardThreshold)) continue;
                    ref double norm = ref norms[r - start];
                    if (double.IsNaN(norm)) norm = SquaredNorm(scaled, r);
                    cache.Add(r, norm);
                }
            }
        }

        /// <summary>Scores of rows [start, end) under the current models for every class the row is a negative of (NaN elsewhere).</summary>
        double[] Scores(int start, int end)
        {
            var scores = new double[(end - start) * _k];
            Array.Fill(scores, double.NaN);
            Parallel.For(start, end, () => (Live: new int[_k], Dots: new double[_k]), (r, _, buffers) =>
            {
                int m = 0;
                foreach (int c in active) if (IsNegative(r, c)) buffers.Live[m++] = c;
                if (m == 0) return buffers;
                VectorMath.Dots(input.Features.Row(r), _weights, buffers.Live.AsSpan(0, m), buffers.Dots);
                for (int t = 0; t < m; t++)
                {
                    int c = buffers.Live[t];
                    scores[(r - start) * _k + c] = scaling.Factor * buffers.Dots[t] + _biases[c];
                }
                return buffers;
            }, _ => { });
            return scores;
        }

        /// <summary>Retrains the due classes together, then evicts their easy negatives.</summary>
        public void Retrain(int image, ClassCache[] due)
        {
            var trained = solver.Train(scaled, due, settings.Svm);
            for (int q = 0; q < due.Length; q++)
            {
                var (model, _) = trained[q];
                int c = due[q].Class;
                due[q].Model = model;
                due[q].AddedSinceTraining = 0;
                model.Weights.CopyTo(_weights.AsSpan(c * _d, _d));
                _biases[c] = model.Bias;
            }
            var scores = NegativeScores(due);
            long before = 0, after = 0;
            for (int q = 0; q < due.Length; q++)
            {
                int negatives = due[q].Negatives.Count;
                int evicted = due[q].Evict(scores[q], settings.EvictThreshold);
                Retrains.Add(new DetectorRetrain(image, due[q].Class, due[q].Positives.Count, negatives, evicted, trained[q].Passes));
                before += negatives;
                after += negatives - evicted;
            }
            string names = due.Length <= 4 ? string.Join(", ", due.Select(cache => input.Classes[cache.Class])) : $"{due.Length} classes";
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"image {image + 1}/{input.Images}: retrained {names}; cached negatives {before:N0} → {after:N0} after evicting scores < {settings.EvictThreshold}"));
        }

        /// <summary>Scores of every cached negative of the due classes, each row read once for all classes caching it.</summary>
        double[][] NegativeScores(ClassCache[] due)
        {
            var scores = due.Select(cache => new double[cache.Negatives.Count]).ToArray();
            int total = scores.Sum(s => s.Length);
            var rowOf = new int[total];
            var entry = new (int Slot, int Position)[total];
            int e = 0;
            for (int q = 0; q < due.Length; q++)
                for (int j = 0; j < due[q].Negatives.Count; j++, e++) (rowOf[e], entry[e]) = (due[q].Negatives[j], (q, j));
            Array.Sort(rowOf, entry);
            var segments = new List<int>();
            for (int i = 0; i < total; i++) if (i == 0 || rowOf[i] != rowOf[i - 1]) segments.Add(i);
            segments.Add(total);
            Parallel.For(0, segments.Count - 1, () => (Live: new int[due.Length], Dots: new double[due.Length]), (s, _, buffers) =>
            {
                int from = segments[s], to = segments[s + 1];
                for (int t = from; t < to; t++) buffers.Live[t - from] = due[entry[t].Slot].Class;
                VectorMath.Dots(input.Features.Row(rowOf[from]), _weights, buffers.Live.AsSpan(0, to - from), buffers.Dots);
                for (int t = from; t < to; t++)
                {
                    var (q, j) = entry[t];
                    scores[q][j] = scaling.Factor * buffers.Dots[t - from] + _biases[due[q].Class];
                }
                return buffers;
            }, _ => { });
            return scores;
        }
    }
}
