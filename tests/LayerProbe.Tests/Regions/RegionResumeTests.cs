using System.Diagnostics;
using LayerProbe.Features;
using LayerProbe.Regions;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Regions;

public class RegionResumeTests
{
    [Fact]
    public void A_region_extraction_killed_with_SIGKILL_resumes_to_byte_identical_stores()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), proposals = RegionDevkit.Store(tmp, root, boxes: RegionDevkit.ManyBoxes(3, 1500));
        string model = MiniCaffeNet.Write(tmp), outDir = tmp.Combine("killed");
        string[] args = ["extract", "--model", model, "--layers", "pool5", "--data", $"voc2007:{root}:test:proposals:{proposals}", "--out", outDir, "--batch", "16"];

        KillAfterCommitted(args, outDir, stores: 1, rows: 200);
        string killed = Assert.Single(Directory.GetDirectories(outDir));
        Assert.False(FeatureStoreFiles.IsComplete(killed), "complete before the kill");

        var (code, stdout, stderr) = CliProcess.Run(args);
        Assert.True(code == 0, stderr);
        Assert.Contains("resumed from item", stdout);
        Assert.True(FeatureStoreFiles.IsComplete(killed));

        var (freshCode, _, freshErr) = CliProcess.Run([.. args[..^3], tmp.Combine("fresh"), "--batch", "16"]);
        Assert.True(freshCode == 0, freshErr);
        string fresh = Assert.Single(Directory.GetDirectories(tmp.Combine("fresh")));
        Assert.Equal(Path.GetFileName(fresh), Path.GetFileName(killed));
        foreach (var file in new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids })
            Assert.True(File.ReadAllBytes(Path.Combine(fresh, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(killed, file))), $"{file} differs");
        var tables = Directory.GetFiles(outDir, "regions-*.lpfm");
        Assert.Equal(3 + 1 + 1 + 3 * 1500, RegionTable.Read(Assert.Single(tables)).Header.Rows);
        Assert.Equal(File.ReadAllBytes(tables[0]), File.ReadAllBytes(Assert.Single(Directory.GetFiles(tmp.Combine("fresh"), "regions-*.lpfm"))));
    }

    /// <summary>Starts <c>layerprobe ARGS</c> and SIGKILLs it once each of its <paramref name="stores"/> stores has committed <paramref name="rows"/> rows.</summary>
    internal static void KillAfterCommitted(string[] args, string outDir, int stores, long rows)
    {
        using var child = ChildCli.Start(args);
        var clock = Stopwatch.StartNew();
        while (!child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            var folders = Directory.Exists(outDir) ? Directory.GetDirectories(outDir) : [];
            long committed = folders.Length < stores ? 0 : folders.Min(s => CommitRecord.TryRead(Path.Combine(s, FeatureStoreFiles.Commit))?.Rows ?? 0);
            if (committed >= rows) break;
            Thread.Sleep(10);
        }
        if (child.HasExited) Assert.Fail($"the run ended before it could be killed: {child.Errors}");
        child.Kill(); // SIGKILL
    }
}

public class SharedConvResumeTests
{
    [Fact]
    public void A_shared_conv_extraction_killed_with_SIGKILL_mid_image_resumes_to_byte_identical_stores()
    {
        using var tmp = new TempDir();
        string root = RegionDevkit.Write(tmp), proposals = RegionDevkit.Store(tmp, root, boxes: RegionDevkit.ManyBoxes(3, 3000));
        string model = MiniCaffeNet.Write(tmp), outDir = tmp.Combine("killed");
        string[] args = ["extract", "--model", model, "--layers", "pool5,fc6", "--data", $"voc2007:{root}:test:proposals:{proposals}", "--out", outDir,
            "--regions", "shared-conv", "--roi-layer", "relu5", "--roi-scale", "240", "--roi-batch", "16", "--commit-interval", "0"];

        RegionResumeTests.KillAfterCommitted(args, outDir, stores: 2, rows: 200); // inside the first image (3 GT + 3,000 proposals)
        Assert.All(Directory.GetDirectories(outDir), s => Assert.False(FeatureStoreFiles.IsComplete(s), "complete before the kill"));

        var (code, stdout, stderr) = CliProcess.Run(args);
        Assert.True(code == 0, stderr);
        Assert.Contains("resumed from item", stdout);

        string[] fresh = [.. args];
        fresh[Array.IndexOf(fresh, "--out") + 1] = tmp.Combine("fresh");
        var (freshCode, _, freshErr) = CliProcess.Run(fresh);
        Assert.True(freshCode == 0, freshErr);
        foreach (var store in Directory.GetDirectories(tmp.Combine("fresh")))
        {
            string killed = Path.Combine(outDir, Path.GetFileName(store));
            Assert.True(FeatureStoreFiles.IsComplete(killed));
            foreach (var file in new[] { FeatureStoreFiles.Matrix, FeatureStoreFiles.Ids })
                Assert.True(File.ReadAllBytes(Path.Combine(store, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(killed, file))), $"{file} differs");
        }
        Assert.Equal(2, Directory.GetDirectories(tmp.Combine("fresh")).Length);
    }
}
