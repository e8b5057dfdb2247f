using LayerProbe.Features.Transforms;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Transforms;

public class TransformTests
{
    // Two items, 2 channels × 2×3 maps, Caffe order (c, y, x).
    static readonly FeatureShape Shape = new(2, 2, 3);
    static readonly float[] Item0 = [0, 3, 1, 3, 2, 0, /* c1 */ 0, 0, 0, 0, 0, 0];
    static readonly float[] Item1 = [-1, -2, -3, -4, -5, -6, /* c1 */ 5, 1, 0, 2, 0, 7];
    static DenseFeatureRows Rows() => new([.. Item0, .. Item1], 2, 12);

    static float[] Row(string name, int item, int seed = 1) =>
        FeatureTransforms.Apply(Rows(), Shape, "pool-test", name, seed).Row(item).ToArray();

    [Fact]
    public void Unroll_is_the_stored_row()
    {
        Assert.Equal(Item1, Row("unroll", 1));
    }

    [Fact]
    public void SpatialMax_is_per_channel_max()
    {
        Assert.Equal([3f, 0f], Row("sp-max", 0));
        Assert.Equal([-1f, 7f], Row("sp-max", 1));
    }

    [Fact]
    public void Binarize_thresholds_at_zero()
    {
        Assert.Equal([0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], Row("binarize", 0));
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 0, 1], Row("binarize", 1));
    }

    [Fact]
    public void MaxWithLocation_keeps_the_first_maximum_only()
    {
        // channel 0: max 3 at positions 1 and 3 → first (1); channel 1 all zero → the zero stays at position 0
        Assert.Equal([0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Row("max+loc", 0));
        Assert.Equal([-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7], Row("max+loc", 1));
    }

    [Fact]
    public void BinarizeWithLocation_is_one_hot_at_argmax_or_zero_when_max_not_positive()
    {
        Assert.Equal([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], Row("binarize+loc", 0));
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], Row("sm-bn-lc", 1));
    }

    [Fact]
    public void FullyConnected_layers_accept_only_unroll_and_binarize()
    {
        var fc = new DenseFeatureRows([1, -2, 3, 0], 1, 4);
        var shape = new FeatureShape(4, 1, 1);
        Assert.Equal([1f, 0, 1, 0], FeatureTransforms.Apply(fc, shape, "fc7", "binarize").Row(0).ToArray());
        Assert.Equal([1f, -2, 3, 0], FeatureTransforms.Apply(fc, shape, "fc7", "unroll").Row(0).ToArray());
        foreach (var name in new[] { "sp-max", "sp-shuffle", "max+loc", "binarize+loc" })
        {
            var e = Assert.Throws<LayerProbeException>(() => FeatureTransforms.Apply(fc, shape, "fc7", name));
            Assert.Contains("fc7", e.Message);
            Assert.Contains(name == "sm-bn-lc" ? "binarize+loc" : name, e.Message);
        }
        Assert.Throws<LayerProbeException>(() => FeatureTransforms.Create("crop-x"));
    }

    [Fact]
    public void Wrong_row_width_is_a_user_error()
    {
        Assert.Throws<LayerProbeException>(() => FeatureTransforms.Apply(Rows(), new FeatureShape(3, 2, 3), "pool5", "sp-max"));
    }

    [Fact]
    public void SpatialShuffle_preserves_each_channels_values_differs_across_items_and_is_reproducible()
    {
        var shape = new FeatureShape(3, 6, 6);
        int n = 4;
        var data = new float[n * shape.Dimensions];
        for (int i = 0; i < n; i++) for (int j = 0; j < shape.Dimensions; j++) data[i * shape.Dimensions + j] = j; // identical items, distinct values
        var src = new DenseFeatureRows(data, n, shape.Dimensions);
        var a = FeatureTransforms.Apply(src, shape, "pool5", "sp-shuffle", seed: 7);
        var rows = Enumerable.Range(0, n).Select(i => a.Row(i).ToArray()).ToArray();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < shape.Channels; c++)
            {
                var got = rows[i].AsSpan(c * 36, 36).ToArray();
                Array.Sort(got);
                Assert.Equal(Enumerable.Range(c * 36, 36).Select(v => (float)v), got); // same multiset, same channel
            }
        Assert.NotEqual(rows[0], rows[1]); // identical inputs, different items → different permutations
        Assert.NotEqual(rows[0].AsSpan(0, 36).ToArray(), rows[0].Skip(36).Take(36).Select(v => v - 36).ToArray()); // channels differ
        Assert.NotEqual(data.AsSpan(0, shape.Dimensions).ToArray(), rows[0]);

        // visiting order, thread and instance do not matter; the seed does
        var b = FeatureTransforms.Apply(src, shape, "pool5", "sp-shuffle", seed: 7);
        var backwards = new float[n][];
        Parallel.For(0, n, i => backwards[n - 1 - i] = b.Row(n - 1 - i).ToArray());
        for (int i = 0; i < n; i++) Assert.Equal(rows[i], backwards[i]);
        var other = FeatureTransforms.Apply(src, shape, "pool5", "sp-shuffle", seed: 8);
        Assert.NotEqual(rows[2], other.Row(2).ToArray());
        Assert.Equal(new TransformSettings("sp-shuffle", 7), a.Transform.Settings);
    }

    [Fact]
    public void SpatialShuffle_positions_are_uniform()
    {
        // value 0 of a 4-position channel lands on each position ≈ 1/4 of the time over many items
        var shape = new FeatureShape(1, 2, 2);
        int n = 8000;
        var data = new float[n * 4];
        for (int i = 0; i < n; i++) { data[i * 4] = 10; }
        var t = FeatureTransforms.Apply(new DenseFeatureRows(data, n, 4), shape, "pool", "sp-shuffle");
        var hits = new int[4];
        for (int i = 0; i < n; i++) hits[t.Row(i).IndexOf(10f)]++;
        foreach (var h in hits) Assert.InRange(h, 1850, 2150);
    }

    [Fact]
    public void Ring_keeps_LiveRows_rows_valid_and_Materialize_matches()
    {
        var t = FeatureTransforms.Apply(Rows(), Shape, "pool", "sp-max");
        var r0 = t.Row(0);
        var r1 = t.Row(1);
        Assert.Equal([3f, 0f], r0.ToArray());
        Assert.Equal([-1f, 7f], r1.ToArray());
        var dense = t.Materialize();
        Assert.Equal([3f, 0f, -1f, 7f], Enumerable.Range(0, 2).SelectMany(i => dense.Row(i).ToArray()));
    }
}
