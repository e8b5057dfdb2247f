using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Probes;
using LayerProbe.Regions;
using LayerProbe.Tests.Data;
using LayerProbe.Tests.Regions;

namespace LayerProbe.Tests.Detection;

public class RegionScorerTests
{
    /// <summary>
    /// The blocked product (rows of several images × all classes' weights, the training scale folded into the weights)
    /// gives every non-GT row the score of a plain per-row dot product in double, b + Σ_j (f·x_j)·w_j, to float rounding:
    /// over several blocks (4,099 dimensions: 511 rows a block, and not a multiple of the 16 lanes), 7 classes (not a
    /// multiple of the kernel's 4), whether the images are scored one at a time or all together.
    /// </summary>
    [Fact]
    public void Blocked_scores_equal_a_plain_dot_product_per_row()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp);
        using var regions = new VocRegions(new VocDevkit(root), "test", RegionDevkit.Store(tmp, root, "test", RegionDevkit.ManyBoxes(3, 420, seed: 4)));
        const int dims = 4099;
        var random = new Random(9);
        var values = new float[regions.Count][];
        for (int i = 0; i < values.Length; i++)
            values[i] = Enumerable.Range(0, dims).Select(_ => random.NextSingle() < 0.6 ? 0 : random.NextSingle() * 3).ToArray();
        string features = tmp.Combine("features");
        string store = SyntheticRegionStore.Write(features, regions, "pool5", dims, i => values[i]);
        var models = new LinearModel?[VocClasses.Names.Count];
        foreach (int c in new[] { 0, 2, 3, 5, 8, 13, 19 })
            models[c] = new LinearModel(Enumerable.Range(0, dims).Select(_ => random.NextSingle() - 0.5f).ToArray(), random.NextDouble() * 4 - 2);
        var detectors = new DetectorSet(VocClasses.Names, models, new FeatureScaling(31, 0.645, 20, 100, 0), "pool5");
        using var scorer = new RegionScorer(detectors, regions, store, features, "random");
        Assert.Equal([0, 2, 3, 5, 8, 13, 19], scorer.ScoredClasses);

        var together = scorer.Score(0, regions.Images);
        Assert.True(together.Sum(s => s.Regions.Length) > 2 * 511, "several blocks");
        for (int image = 0; image < regions.Images; image++)
        {
            var alone = scorer.Score(image);
            Assert.Equal(alone.Regions, together[image].Regions);
            Assert.Equal(alone.Scores, together[image].Scores);
            int gt = regions.Annotation(image).Objects.Count;
            Assert.Equal(Enumerable.Range(regions.FirstItem(image) + gt, regions.FirstItem(image + 1) - regions.FirstItem(image) - gt), alone.Regions);
            for (int i = 0; i < alone.Regions.Length; i++)
            {
                var x = values[alone.Regions[i]];
                for (int k = 0; k < scorer.ScoredClasses.Count; k++)
                {
                    var m = models[scorer.ScoredClasses[k]]!;
                    double dot = m.Bias, magnitude = Math.Abs(m.Bias);
                    for (int j = 0; j < dims; j++)
                    {
                        double term = detectors.Scaling.Factor * x[j] * m.Weights[j];
                        dot += term;
                        magnitude += Math.Abs(term);
                    }
                    double score = alone.Scores[i * alone.Classes + k];
                    Assert.True(Math.Abs(score - dot) <= 1e-5 * magnitude, $"image {image} row {i} class {k}: {score} vs {dot} (Σ|terms| {magnitude})");
                }
            }
        }
    }
}
