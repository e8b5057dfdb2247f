using LayerProbe.Sharding;

namespace LayerProbe.Tests.Sharding;

/// <summary><c>--shard I/N</c>: parsing and the contiguous, balanced item ranges.</summary>
public class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("2/3", 2, 3)]
    [InlineData("6/7", 6, 7)]
    public void Parses_I_of_N(string text, int index, int count) => Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("3/3", "shard numbers run from 0 to 2")]
    [InlineData("0/0", "must be at least 1")]
    [InlineData("-1/3", "is not I/N")]
    [InlineData("1", "is not I/N")]
    [InlineData("a/b", "is not I/N")]
    [InlineData("1/2/3", "is not I/N")]
    [InlineData(" 1/2", "is not I/N")]
    public void Refuses_bad_values_with_one_line(string text, string problem)
    {
        var e = Assert.Throws<LayerProbeException>(() => Shard.Parse(text));
        Assert.StartsWith("--shard: ", e.Message);
        Assert.Contains(problem, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Ranges_tile_the_items_in_order_cut_at_whole_batches_and_differ_by_at_most_one_batch()
    {
        foreach (int unit in new[] { 1, 4, 16 })
            foreach (int items in new[] { 0, 1, 2, 10, 11, 97, 1000 })
                foreach (int n in new[] { 1, 2, 3, 7, 13, 64 })
                {
                    long next = 0;
                    var lengths = new List<long>();
                    for (int i = 0; i < n; i++)
                    {
                        var (first, length) = new Shard(i, n).Range(items, unit);
                        Assert.Equal(next, first);
                        Assert.True(first % unit == 0, $"shard {i}/{n} of {items} starts at {first}, inside a batch of {unit}");
                        next += length;
                        lengths.Add(length);
                    }
                    Assert.Equal(items, next);
                    Assert.True(lengths.Max() - lengths.Min() <= unit, $"{items} items in {n} shards of batch {unit}: {string.Join(",", lengths)}");
                }
        Assert.Equal((4L, 4L), new Shard(1, 3).Range(11, 4)); // batches [0-3] [4-7] [8-10]: one each, the last one short
        Assert.Equal((8L, 3L), new Shard(2, 3).Range(11, 4));
        Assert.Equal((3L, 4L), new Shard(1, 3).Range(11));
    }

    [Fact]
    public void A_shard_store_is_named_by_the_whole_store_plus_the_shard()
    {
        var shard = new Shard(2, 7);
        Assert.Equal("/out/pool5-0123abcd.shard-2-of-7", shard.Directory("/out/pool5-0123abcd"));
        Assert.Equal(("pool5-0123abcd", shard), Shard.OfDirectoryName("pool5-0123abcd.shard-2-of-7"));
        Assert.Null(Shard.OfDirectoryName("pool5-0123abcd"));
        Assert.Null(Shard.OfDirectoryName("pool5-0123abcd.shard-7-of-7"));
    }
}
