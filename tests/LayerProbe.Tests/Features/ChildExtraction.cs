using System.Diagnostics;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Tests.Cli;

namespace LayerProbe.Tests.Features;

/// <summary>
/// What the fault tests share: a CaffeNet-mini ONNX file, 200 Fashion-MNIST test images, three layers (pool1, conv3,
/// fc6: 8.3 MB of stores), and one uninterrupted <c>extract</c> by a child process — the reference bytes and the time a
/// whole run takes on this machine now (kills are timed against it, so they land inside runs however busy it is).
/// </summary>
public sealed class ChildExtraction : IDisposable
{
    public const string Data = "fashion-mnist:test:20";
    public const string Layers = "pool1,conv3,fc6";
    public const int Items = 200;
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    readonly TempDir _tmp = new();

    public ChildExtraction()
    {
        Model = Path.Combine(_tmp.Path, "mini.onnx");
        CaffeNet.Write(CaffeNetSpec.Mini(), Model);
        Reference = _tmp.Sub("reference");
        (Duration, WritePhase) = Timed(Extract(Reference), Reference);
        ReferenceBytes = StoreBytes(Reference);
        Assert.Equal(3, ReferenceBytes.Count / 2);
    }

    /// <summary>The network file.</summary>
    public string Model { get; }
    /// <summary>Output folder of the uninterrupted run.</summary>
    public string Reference { get; }
    /// <summary>Its store files.</summary>
    public IReadOnlyDictionary<string, byte[]> ReferenceBytes { get; }
    /// <summary>Wall time of the uninterrupted run, process start to end.</summary>
    public TimeSpan Duration { get; }
    /// <summary>Of that, the time from its first committed row to its end.</summary>
    public TimeSpan WritePhase { get; }

    /// <summary>Runs <paramref name="args"/> (which write stores under <paramref name="output"/>) and times it: whole run, and from the first committed row on.</summary>
    public static (TimeSpan Whole, TimeSpan Writing) Timed(string[] args, string output)
    {
        var clock = Stopwatch.StartNew();
        using var run = ChildCli.Start(args);
        run.WaitUntil(() => CommittedRows(output).Any(r => r > 0), Timeout);
        var firstRows = clock.Elapsed;
        Assert.True(run.WaitForExit(Timeout) && run.ExitCode == 0, run.ToString());
        return (clock.Elapsed, clock.Elapsed - firstRows + TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Arguments of <c>extract</c> into <paramref name="output"/> (the fixture's layers unless given), committing every batch.</summary>
    public string[] Extract(string output, string layers = Layers) =>
        ["extract", "--model", Model, "--layers", layers, "--data", Data, "--out", output, "--batch", "4", "--commit-interval", "0"];

    /// <summary>Starts a run, waits for it to end, and returns it.</summary>
    public static ChildCli Run(params string[] args) => ChildCli.Run(Timeout, args);

    /// <summary>features.lpfm and ids.txt of every store under <paramref name="root"/>, by "store/file"; complete stores only.</summary>
    public static Dictionary<string, byte[]> StoreBytes(string root) =>
        Directory.GetDirectories(root).Where(FeatureStoreFiles.IsComplete)
            .SelectMany(d => new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids }.Select(f => (Key: $"{Path.GetFileName(d)}/{f}", Path: Path.Combine(d, f))))
            .ToDictionary(p => p.Key, p => File.ReadAllBytes(p.Path));

    /// <summary>Committed rows of each store under <paramref name="root"/> (0 for a store without a commit record).</summary>
    public static long[] CommittedRows(string root) =>
        Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => CommitRecord.TryRead(Path.Combine(d, FeatureStoreFiles.Commit))?.Rows ?? 0).ToArray()
            : [];

    /// <summary>Asserts <paramref name="root"/> holds exactly the reference stores, byte for byte, all complete.</summary>
    public void AssertSameAsReference(string root, string why)
    {
        var actual = StoreBytes(root);
        Assert.True(ReferenceBytes.Keys.Order().SequenceEqual(actual.Keys.Order()), $"{why}: stores {string.Join(",", actual.Keys)}");
        foreach (var (key, bytes) in ReferenceBytes)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[key]), $"{why}: {key} differs from the uninterrupted run's");
    }

    public void Dispose() => _tmp.Dispose();
}

/// <summary>The fault tests run one at a time (each starts CPU-heavy child processes), beside the other tests.</summary>
[CollectionDefinition("Store faults")]
public sealed class StoreFaultCollection : ICollectionFixture<ChildExtraction>;
