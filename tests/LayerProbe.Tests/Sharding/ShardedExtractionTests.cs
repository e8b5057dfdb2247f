using LayerProbe.Features;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Features;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Sharding;

/// <summary>
/// <c>extract --shard I/N</c> by N concurrent child processes, then <c>layerprobe merge</c>: the merged stores equal an
/// unsharded run's byte for byte; broken shard sets are refused with one line and exit 2.
/// </summary>
[Collection("Store faults")]
public class ShardedExtractionTests
{
    const int Images = 23; // 8 batches of 3: every shard of N = 7 holds at least one
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>A folder of <see cref="Images"/> small PNGs of seeded noise (one class), and the tiny network.</summary>
    internal static (string Model, string Images) Inputs(TempDir tmp)
    {
        string model = TinyNetwork.Write(tmp.Path);
        string dir = Path.Combine(tmp.Sub("images"), "cls");
        Directory.CreateDirectory(dir);
        var random = new Random(5);
        for (int i = 0; i < Images; i++)
        {
            using var image = new Image<Rgb24>(18 + i, 16 + i % 4);
            for (int y = 0; y < image.Height; y++)
                for (int x = 0; x < image.Width; x++)
                    image[x, y] = new Rgb24((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256));
            image.SaveAsPng(Path.Combine(dir, $"im{i:D2}.png"));
        }
        return (model, tmp.Sub("images"));
    }

    internal static string[] Extract(string model, string images, string output) =>
        ["extract", "--model", model, "--layers", "pool1,fc6", "--data", $"images:{images}", "--out", output, "--batch", "3"];

    static ChildCli Run(params string[] args)
    {
        var child = ChildCli.Run(Timeout, args);
        Assert.True(child.ExitCode == 0, $"layerprobe {string.Join(' ', args)}: {child}");
        return child;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void N_concurrent_shards_merged_equal_the_unsharded_run_byte_for_byte(int n)
    {
        using var tmp = new TempDir();
        var (model, images) = Inputs(tmp);
        Run(Extract(model, images, tmp.Sub("whole")));
        var reference = ChildExtraction.StoreBytes(tmp.Sub("whole"));
        Assert.Equal(4, reference.Count);

        string sharded = tmp.Sub("sharded");
        var shards = Enumerable.Range(0, n).Select(i => ChildCli.Start([.. Extract(model, images, sharded), "--shard", $"{i}/{n}"])).ToList();
        try
        {
            foreach (var s in shards) Assert.True(s.WaitForExit(Timeout) && s.ExitCode == 0, s.ToString());
        }
        finally { foreach (var s in shards) s.Dispose(); }
        Assert.Empty(ChildExtraction.StoreBytes(sharded).Keys.Where(k => !k.Contains(".shard-")));
        Assert.Equal(2 * n, Directory.GetDirectories(sharded).Count(FeatureStoreFiles.IsComplete));
        // the shards hold contiguous ranges cut at whole batches (3), balanced within one batch
        var pool1 = Enumerable.Range(0, n).Select(i => Directory.GetDirectories(sharded, $"pool1-*.shard-{i}-of-{n}").Single()).ToList();
        var counts = pool1.Select(d => File.ReadAllLines(Path.Combine(d, FeatureStoreFiles.Ids)).Length).ToList();
        Assert.Equal(Images, counts.Sum());
        Assert.True(counts.Max() - counts.Min() <= 3 && counts.SkipLast(1).All(c => c % 3 == 0), string.Join(",", counts));

        var merge = Run("merge", sharded);
        Assert.Contains("2 stores whole", merge.Output);
        var merged = ChildExtraction.StoreBytes(sharded).Where(p => !p.Key.Contains(".shard-")).ToDictionary();
        Assert.Equal(reference.Keys.Order(), merged.Keys.Order());
        foreach (var (key, bytes) in reference) Assert.True(bytes.AsSpan().SequenceEqual(merged[key]), $"N={n}: {key} differs from the unsharded run's");

        // a second merge and an unsharded extract over the merged stores change nothing
        Run("merge", sharded);
        Assert.Contains("nothing extracted", Run(Extract(model, images, sharded)).Output);
        Assert.Equal(reference.Keys.Order(), ChildExtraction.StoreBytes(sharded).Where(p => !p.Key.Contains(".shard-")).Select(p => p.Key).Order());
    }

    [Fact]
    public void Merge_refuses_missing_incomplete_and_mismatched_shard_sets_with_one_line()
    {
        using var tmp = new TempDir();
        var (model, images) = Inputs(tmp);
        string good = tmp.Sub("good");
        for (int i = 0; i < 3; i++) Run([.. Extract(model, images, good), "--shard", $"{i}/3"]);
        var pool1 = Directory.GetDirectories(good, "pool1-*.shard-0-of-3").Single()[..^".shard-0-of-3".Length];

        string Case(string name, Action<string> damage)
        {
            string folder = tmp.Sub(name);
            CopyTree(good, folder);
            damage(Path.Combine(folder, Path.GetFileName(pool1)));
            var (code, _, err) = CliProcess.Run("merge", folder);
            Assert.Equal(2, code);
            var line = Assert.Single(CliProcess.ErrorLines(err));
            Assert.StartsWith("layerprobe: ", line);
            Assert.Empty(Directory.GetDirectories(folder).Where(d => !d.Contains(".shard-") && FeatureStoreFiles.IsComplete(d)));
            return line;
        }

        Assert.Contains("shard 1/3 missing", Case("missing", whole => Directory.Delete(whole + ".shard-1-of-3", true)));
        Assert.Contains("shard 2/3 is incomplete", Case("incomplete", whole => File.Delete(Path.Combine(whole + ".shard-2-of-3", FeatureStoreFiles.Complete))));
        Assert.Contains("different shard counts (3 and 7)", Case("counts", whole => CopyTree(whole + ".shard-0-of-3", whole + ".shard-5-of-7")));
        Assert.Contains("another key", Case("key", whole =>
        {
            string other = Path.Combine(Path.GetDirectoryName(whole)!, Directory.GetDirectories(Path.GetDirectoryName(whole)!, "fc6-*.shard-1-of-3").Single());
            Directory.Delete(whole + ".shard-1-of-3", true);
            CopyTree(other, whole + ".shard-1-of-3");
        }));
        Directory.CreateDirectory(tmp.Sub("empty"));
        var (emptyCode, _, emptyErr) = CliProcess.Run("merge", tmp.Sub("empty"));
        Assert.Equal(2, emptyCode);
        Assert.Contains("no shard stores here", Assert.Single(CliProcess.ErrorLines(emptyErr)));

        // stores that were whole before any shard ran (a rerun of a sharded study): nothing to join, not an error,
        // so the job after the merge still runs
        string whole = tmp.Sub("whole");
        Run(Extract(model, images, whole));
        var before = ChildExtraction.StoreBytes(whole);
        var (wholeCode, wholeOut, wholeErr) = CliProcess.Run("merge", whole);
        Assert.True(wholeCode == 0, wholeErr);
        Assert.Contains("already whole", wholeOut + wholeErr);
        Assert.Equal(before.Keys.Order(), ChildExtraction.StoreBytes(whole).Keys.Order());
    }

    [Fact]
    public void Bad_shard_values_are_one_line_and_exit_2()
    {
        using var tmp = new TempDir();
        var (model, images) = Inputs(tmp);
        foreach (var (value, problem) in new[] { ("3/3", "shard numbers run from 0 to 2"), ("1/0", "at least 1"), ("x", "is not I/N") })
        {
            var (code, _, err) = CliProcess.Run([.. Extract(model, images, tmp.Sub("out")), "--shard", value]);
            Assert.Equal(2, code);
            Assert.Contains(problem, Assert.Single(CliProcess.ErrorLines(err)));
        }
    }

    static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var dir in Directory.GetDirectories(from)) CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
    }
}
