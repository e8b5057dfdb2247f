using System.Diagnostics;
using LayerProbe.Proposals;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Proposals;

public class ProposalResumeTests
{
    /// <summary>Starts <c>layerprobe proposals</c> as a child process (the CLI assembly beside the tests).</summary>
    static Process StartCli(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "layerprobe.dll"), "proposals", .. args])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        return Process.Start(info)!;
    }

    [Fact]
    public void A_run_killed_with_SIGKILL_resumes_to_a_byte_identical_store()
    {
        using var tmp = new TempDir();
        string images = ProposalImages.Folder(tmp, 8), outDir = tmp.Combine("killed");
        string[] args = ["--data", $"images:{images}", "--out", outDir, "--threads", "1"];

        string note = "";
        using (var child = StartCli(args))
        {
            var clock = Stopwatch.StartNew();
            string? pending = null;
            while (!child.HasExited && clock.Elapsed < TimeSpan.FromMinutes(3))
            {
                pending ??= Directory.Exists(outDir) ? Directory.GetDirectories(outDir).Select(d => Path.Combine(d, ProposalStoreFiles.Pending)).FirstOrDefault(Directory.Exists) : null;
                int have = pending is null ? -1 : Directory.GetFiles(pending, "*.boxes").Length;
                if (have >= 2) break;
                Thread.Sleep(20);
            }
            if (child.HasExited) Assert.Fail($"the run ended before it could be killed: {child.StandardError.ReadToEnd()}");
            int seen = pending is null || !Directory.Exists(pending) ? -1 : Directory.GetFiles(pending, "*.boxes").Length;
            child.Kill(); // SIGKILL on Linux
            child.WaitForExit();
            note = $"killed at {clock.Elapsed.TotalSeconds:F1} s with {seen} results, exit {child.ExitCode}";
        }
        string store = Assert.Single(Directory.GetDirectories(outDir));
        Assert.False(ProposalStoreFiles.IsComplete(store), $"complete before the kill ({note})");
        int kept = Directory.GetFiles(Path.Combine(store, ProposalStoreFiles.Pending), "*.boxes").Length;
        Assert.InRange(kept, 2, 7);

        using (var rerun = StartCli(args))
        {
            string stdout = rerun.StandardOutput.ReadToEnd();
            string stderr = rerun.StandardError.ReadToEnd();
            rerun.WaitForExit();
            Assert.True(rerun.ExitCode == 0, stderr);
            Assert.Contains($"resumed: {kept} images were done", stdout);
        }
        Assert.True(ProposalStoreFiles.IsComplete(store));

        var fresh = ProposalRun.Compute(ImageFileSet.FromSpec($"images:{images}"), SelectiveSearchSettings.Fast, tmp.Combine("fresh"), 2);
        Assert.Equal(Path.GetFileName(store), Path.GetFileName(fresh.Directory));
        foreach (var file in new[] { ProposalStoreFiles.Boxes, ProposalStoreFiles.Images })
            Assert.Equal(File.ReadAllBytes(Path.Combine(fresh.Directory, file)), File.ReadAllBytes(Path.Combine(store, file)));
    }
}
