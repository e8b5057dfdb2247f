using System.Diagnostics;
using System.Text.RegularExpressions;
using LayerProbe.Features;
using LayerProbe.Features.Transforms;
using Xunit.Abstractions;
using LayerProbe.Tests.Cli;

namespace LayerProbe.Tests.Features;

/// <summary>
/// A full disk under <c>extract</c> and <c>transform</c>: a small tmpfs mounted by the test (root only), too small for
/// the stores. One line naming the file and the space needed, exit 2; after the tmpfs grows, a plain rerun resumes from
/// the committed rows to the bytes of an uninterrupted run.
/// </summary>
[Collection("Store faults")]
public class StoreDiskFullTests(ChildExtraction fixture, ITestOutputHelper log)
{
    static readonly Regex DiskFullLine = new(@"^layerprobe: (?<path>/\S+): disk full \(needs ~(?<mb>\d+) MB more( for the \d+ stores of this run)?\)$");

    [TmpfsFact]
    public void A_full_disk_is_one_line_and_a_rerun_after_freeing_space_resumes_to_identical_stores()
    {
        using var tmp = new TempDir();
        string mount = tmp.Sub("tmpfs");
        Directory.CreateDirectory(mount);
        Tmpfs.Mount(mount, "4m"); // the three stores take 8.3 MB
        try
        {
            string output = Path.Combine(mount, "out");
            using (var full = ChildExtraction.Run(fixture.Extract(output)))
            {
                var line = AssertOneDiskFullLine(full, output);
                log.WriteLine($"extract on a 4 MB tmpfs: exit {full.ExitCode}, {line}");
            }
            long[] kept = ChildExtraction.CommittedRows(output);
            Assert.Contains(kept, r => r > 0);

            Tmpfs.Remount(mount, "64m");
            using (var rerun = ChildExtraction.Run(fixture.Extract(output)))
            {
                Assert.True(rerun.ExitCode == 0, rerun.ToString());
                Assert.Contains($"resumed from item {kept.Min()};", rerun.Output);
            }
            fixture.AssertSameAsReference(output, "after the disk-full run and its rerun");

            // transform: the conv3 store (3.8 MB) into a 1 MB tmpfs, then grown
            string source = Directory.GetDirectories(fixture.Reference).Single(d => Path.GetFileName(d).StartsWith("conv3-"));
            string small = Path.Combine(tmp.Path, "tmpfs2");
            Directory.CreateDirectory(small);
            Tmpfs.Mount(small, "1m");
            try
            {
                string[] transform = ["transform", "--store", source, "--transform", "binarize", "--out", small];
                using (var full = ChildExtraction.Run(transform)) log.WriteLine($"transform on a 1 MB tmpfs: exit {full.ExitCode}, {AssertOneDiskFullLine(full, small)}");
                Tmpfs.Remount(small, "16m");
                using (var rerun = ChildExtraction.Run(transform)) Assert.True(rerun.ExitCode == 0, rerun.ToString());
                TransformedStore.Write(source, FeatureTransforms.Create("binarize"), tmp.Sub("in-process"));
                Assert.Equal(ChildExtraction.StoreBytes(tmp.Sub("in-process")), ChildExtraction.StoreBytes(small));
            }
            finally { Tmpfs.Unmount(small); }
        }
        finally { Tmpfs.Unmount(mount); }
    }

    static string AssertOneDiskFullLine(ChildCli run, string under)
    {
        Assert.True(run.ExitCode == 2, run.ToString());
        var lines = run.Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("extract ") && !l.StartsWith("transform ")).ToArray(); // progress lines
        var line = Assert.Single(lines);
        var match = DiskFullLine.Match(line);
        Assert.True(match.Success, line);
        Assert.StartsWith(under, match.Groups["path"].Value);
        Assert.True(int.Parse(match.Groups["mb"].Value) >= 1);
        return line;
    }
}

/// <summary>Runs only as root where <c>mount -t tmpfs</c> works; otherwise skipped, saying why.</summary>
sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (Tmpfs.Unavailable is { } why) Skip = why;
    }
}

/// <summary>mount/umount of a size-limited tmpfs through the mount program.</summary>
static class Tmpfs
{
    /// <summary>Why a test cannot mount one here, or null.</summary>
    public static readonly string? Unavailable = Probe();

    static string? Probe()
    {
        if (!OperatingSystem.IsLinux()) return "tmpfs mounts need Linux";
        if (Environment.UserName != "root") return $"mounting a tmpfs needs root (running as {Environment.UserName})";
        string probe = Directory.CreateTempSubdirectory("layerprobe-tmpfs-probe-").FullName;
        try
        {
            var (code, error) = Exec(new ProcessStartInfo("mount"), "-t", "tmpfs", "-o", "size=64k", "tmpfs", probe);
            if (code != 0) return $"mount -t tmpfs failed here: {error.Trim()}";
            Exec(new ProcessStartInfo("umount"), probe);
            return null;
        }
        catch (System.ComponentModel.Win32Exception e) { return $"no mount program ({e.Message})"; }
        finally { try { Directory.Delete(probe); } catch (IOException) { } }
    }

    public static void Mount(string path, string size) => Check(Exec(new ProcessStartInfo("mount"), "-t", "tmpfs", "-o", $"size={size}", "tmpfs", path), "mount");
    public static void Remount(string path, string size) => Check(Exec(new ProcessStartInfo("mount"), "-o", $"remount,size={size}", path), "remount");
    public static void Unmount(string path) => Exec(new ProcessStartInfo("umount"), "-l", path);

    static void Check((int Code, string Error) result, string what) => Assert.True(result.Code == 0, $"{what}: {result.Error}");

    static (int Code, string Error) Exec(ProcessStartInfo info, params string[] args)
    {
        info.RedirectStandardError = info.RedirectStandardOutput = true;
        info.UseShellExecute = false;
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string error = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, error);
    }
}
