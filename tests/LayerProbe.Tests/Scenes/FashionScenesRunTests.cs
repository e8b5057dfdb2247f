using System.Diagnostics;
using LayerProbe.Cli;
using LayerProbe.Scenes;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Scenes;

/// <summary>make-scenes as a run: byte-identical output per seed (also without SIMD, in another process), atomic
/// output under a kill, reruns, refusals.</summary>
[Collection("Console")]
public class FashionScenesRunTests(SceneFixture scenes) : IClassFixture<SceneFixture>
{
    [Fact]
    public void The_same_seed_gives_byte_identical_files_and_another_seed_does_not()
    {
        using var dir = new TempDir();
        FashionScenes.Generate(scenes.Settings, dir.Combine("again"), TextWriter.Null);
        var first = SceneFixture.Files(scenes.Root);
        var again = SceneFixture.Files(dir.Combine("again"));
        Assert.Equal(first.Keys, again.Keys);
        foreach (var (name, bytes) in first) Assert.True(bytes.AsSpan().SequenceEqual(again[name]), $"{name} differs between two runs");

        FashionScenes.Generate(scenes.Settings with { Seed = 8 }, dir.Combine("other"), TextWriter.Null);
        var other = SceneFixture.Files(dir.Combine("other"));
        Assert.NotEqual(first["VOC2007/Annotations/000001.xml"], other["VOC2007/Annotations/000001.xml"]);
    }

    /// <summary>
    /// The arithmetic is all integer, so a process with every SIMD instruction set switched off (as on a machine
    /// without them) writes the same bytes; ImageSharp's JPEG codec fails this (see JpegCodecTests' class note).
    /// </summary>
    [Fact]
    public void A_process_without_SIMD_writes_the_same_bytes()
    {
        using var dir = new TempDir();
        var settings = scenes.Settings with { Images = 10 };
        FashionScenes.Generate(settings, dir.Combine("here"), TextWriter.Null);
        using (var p = ChildCli.Start(["make-scenes", "--out", dir.Combine("scalar"), "--images", "10", "--seed", "7"],
                   new Dictionary<string, string> { ["DOTNET_EnableHWIntrinsic"] = "0" }))
        {
            Assert.True(p.WaitForExit(TimeSpan.FromMinutes(5)), "make-scenes without SIMD did not end");
            Assert.True(p.ExitCode == 0, p.Errors);
        }
        var here = SceneFixture.Files(dir.Combine("here"));
        var scalar = SceneFixture.Files(dir.Combine("scalar"));
        Assert.Equal(here.Keys, scalar.Keys);
        foreach (var (name, bytes) in here) Assert.True(bytes.AsSpan().SequenceEqual(scalar[name]), $"{name} differs without SIMD");
    }

    [Fact]
    public void A_killed_run_leaves_no_data_set_and_the_rerun_is_identical()
    {
        using var dir = new TempDir();
        string output = dir.Combine("killed");
        using (var p = ChildCli.Start("make-scenes", "--out", output, "--images", "3000", "--seed", "7"))
        {
            var deadline = Stopwatch.StartNew();
            string partial = $"{output}.partial-{p.Id}";
            while (deadline.Elapsed < TimeSpan.FromSeconds(120) && !p.HasExited
                   && !(Directory.Exists(Path.Combine(partial, "VOC2007", "JPEGImages"))
                        && Directory.GetFiles(Path.Combine(partial, "VOC2007", "JPEGImages")).Length >= 20))
                Thread.Sleep(20);
            Assert.False(p.HasExited, "the run ended before it could be killed");
            p.Kill();
            Assert.True(Directory.Exists(partial));
        }
        Assert.False(Directory.Exists(output), "a killed run left its output folder");
        // rerun (smaller, so the test stays short): removes the dead run's temp folder, writes the same bytes as in-process
        Assert.Equal(0, CliApp.Run(["make-scenes", "--out", output, "--images", "48", "--seed", "7"]));
        Assert.Empty(Directory.GetDirectories(dir.Path, "killed.partial-*"));
        var rerun = SceneFixture.Files(output);
        foreach (var (name, bytes) in SceneFixture.Files(scenes.Root)) Assert.True(bytes.AsSpan().SequenceEqual(rerun[name]), name);
    }

    [Fact]
    public void A_rerun_finds_the_finished_set_and_a_different_one_is_refused()
    {
        var before = File.GetLastWriteTimeUtc(Path.Combine(scenes.YearFolder, "JPEGImages", "000001.jpg"));
        Assert.True(FashionScenes.Generate(scenes.Settings, scenes.Root, TextWriter.Null).AlreadyComplete);
        Assert.Equal(before, File.GetLastWriteTimeUtc(Path.Combine(scenes.YearFolder, "JPEGImages", "000001.jpg")));
        var e = Assert.Throws<LayerProbeException>(() => FashionScenes.Generate(scenes.Settings with { Seed = 9 }, scenes.Root, TextWriter.Null));
        Assert.StartsWith(scenes.Root + ": ", e.Message);
    }

    [Fact]
    public void Bad_options_and_inputs_exit_2_with_one_line()
    {
        using var dir = new TempDir();
        var stderr = new StringWriter();
        var old = Console.Error;
        Console.SetError(stderr);
        try
        {
            Assert.Equal(2, CliApp.Run(["make-scenes", "--out", dir.Combine("a"), "--image-size", "320by240"]));
            Assert.Equal(2, CliApp.Run(["make-scenes", "--out", dir.Combine("b"), "--image-size", "100x100"]));
            Assert.Equal(2, CliApp.Run(["make-scenes", "--out", dir.Combine("c"), "--backgrounds", dir.Combine("nosuch")]));
            Directory.CreateDirectory(dir.Combine("empty"));
            Assert.Equal(2, CliApp.Run(["make-scenes", "--out", dir.Combine("d"), "--backgrounds", dir.Combine("empty")]));
        }
        finally { Console.SetError(old); }
        var lines = stderr.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.All(lines, l => Assert.StartsWith("layerprobe: ", l));
        Assert.Contains(dir.Combine("nosuch") + ": ", lines[2]);
        Assert.Empty(Directory.GetDirectories(dir.Path).Where(d => !d.EndsWith("empty")));
    }
}
