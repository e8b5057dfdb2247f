using System.Diagnostics;
using System.Text.RegularExpressions;
using LayerProbe.Features;
using LayerProbe.Sharding;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Features;
using LayerProbe.Tests.Sharding;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Slurm;

/// <summary>
/// <c>layerprobe slurm</c> on a real one-node Slurm (<see cref="OneNodeSlurm"/>): a 3-shard extraction submitted as a
/// job array plus a dependent merge job; one array task is cancelled on purpose while it runs (it is held inside the
/// run by a store lock the test owns, so the kill lands mid-task every time); <c>slurm status</c> shows it, the merge
/// waits, <c>slurm resubmit</c> submits only that shard and a new merge, and the merged stores equal a local unsharded
/// run byte for byte. Every daemon is stopped by PID at the end, also on failure.
/// </summary>
[Collection("Store faults")]
public partial class SlurmEngineTests(ITestOutputHelper output)
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    void Log(string line) => output.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {line}");

    [SlurmFact]
    public void Sharded_extraction_through_slurm_survives_a_killed_task_and_merges_byte_identical_to_a_local_run()
    {
        using var tmp = new TempDir();
        var (model, images) = ShardedExtractionTests.Inputs(tmp);
        string[] extract(string o) => ShardedExtractionTests.Extract(model, images, o);
        using (var local = ChildCli.Run(Timeout, extract(tmp.Sub("local")))) Assert.True(local.ExitCode == 0, local.ToString());
        var reference = ChildExtraction.StoreBytes(tmp.Sub("local"));
        Log($"local unsharded run: {reference.Count / 2} stores");

        List<int> daemons;
        using (var cluster = new OneNodeSlurm(Log))
        {
            daemons = [.. cluster.DaemonPids];
            string out_ = tmp.Sub("slurm-out");
            // Shard 1 will wait inside its run for this lock (its pool1 store), so it is surely running when cancelled.
            string pool1 = Path.GetFileName(Directory.GetDirectories(tmp.Sub("local"), "pool1-*").Single());
            string heldStore = Path.Combine(out_, pool1 + new Shard(1, 3).Suffix);
            Directory.CreateDirectory(heldStore);
            var held = StoreWriteLock.Acquire(heldStore);

            var submit = Logged("slurm", Cli(cluster, ["slurm", .. extract(out_), "--shards", "3"]));
            string array = ArrayJob().Match(submit).Groups[1].Value, merge = MergeJob().Match(submit).Groups[1].Value;
            Assert.True(array.Length > 0 && merge.Length > 0, submit);

            var (array2, merge2) = CancelTaskOneAndResubmit(cluster, out_, out_, array, merge, [held],
                () => Directory.GetDirectories(out_).Any(d => !d.Contains(".shard-") && FeatureStoreFiles.IsComplete(d)));

            Logged("merge job log", MergedAsReference(cluster, out_, out_, array2, merge2, reference, "local run"));
        }
        foreach (int pid in daemons)
            Assert.False(Alive(pid), $"daemon {pid} still runs");
        Log($"daemons {string.Join(", ", daemons)} stopped");
    }

    /// <summary>
    /// The kill and the resubmission: waits until shards 0 and 2 of the stores in <paramref name="stores"/> are complete
    /// and task 1 waits inside its run for a lock the test holds (<paramref name="held"/>), cancels task 1, releases the
    /// locks, checks the follow-up job stays pending (afterok can no longer be met), nothing was merged and
    /// <c>slurm status</c> says so, then <c>slurm resubmit</c>s: only shard 1 and a new follow-up job.
    /// </summary>
    (string Array, string Merge) CancelTaskOneAndResubmit(OneNodeSlurm cluster, string out_, string stores, string array, string merge,
        IReadOnlyList<IDisposable> held, Func<bool> merged)
    {
        string log1 = Path.Combine(out_, "slurm", "logs", $"extract-{array}_1.out");
        WaitFor(() => ShardProgress.Of(stores, 3).Complete.SequenceEqual([0, 2]) && cluster.Queue().GetValueOrDefault($"{array}_1") == "RUNNING"
                      && File.Exists(log1) && File.ReadAllText(log1).Contains("waiting for PID"), "shards 0 and 2 done, task 1 running and waiting", cluster);
        Log($"shards 0 and 2 complete ({ShardProgress.Of(stores, 3).Stores} stores); task {array}_1 running (waiting for the held store lock)");
        cluster.Cancel($"{array}_1");
        WaitFor(() => cluster.Queue().GetValueOrDefault($"{array}_1") is "CANCELLED" or "FAILED", "task 1 cancelled", cluster);
        foreach (var l in held) l.Dispose();
        Thread.Sleep(2000);
        var queue = cluster.Queue();
        Log($"cancelled {array}_1: {array}_1 {queue.GetValueOrDefault($"{array}_1")}, follow-up job {merge} {queue.GetValueOrDefault(merge)}");
        Assert.Equal("PENDING", queue.GetValueOrDefault(merge)); // afterok can no longer be met: the merge never runs
        Assert.False(merged(), "merged without shard 1");

        var status = Logged("status", Cli(cluster, ["slurm", "status", out_]));
        Assert.Contains("shards complete 2/3", status);
        Assert.Contains($"{array}_1 CANCELLED", status);

        var resubmit = Logged("resubmit", Cli(cluster, ["slurm", "resubmit", out_]));
        Assert.Contains("resubmitting 1", resubmit);
        Assert.Contains($"cancelled follow-up job {merge}", resubmit);
        Assert.Matches(@"tasks 1\)", resubmit);
        return (ArrayJob().Match(resubmit).Groups[1].Value, MergeJob().Match(resubmit).Groups[1].Value);
    }

    /// <summary>
    /// Waits for the resubmission's follow-up job, checks it completed, that <c>slurm status</c> says the stage is merged
    /// and the resubmitted task completed, and that the whole stores in <paramref name="stores"/> equal
    /// <paramref name="reference"/> byte for byte; returns the follow-up job's log.
    /// </summary>
    string MergedAsReference(OneNodeSlurm cluster, string out_, string stores, string array2, string merge2, Dictionary<string, byte[]> reference, string what)
    {
        WaitFor(() => cluster.Queue().GetValueOrDefault(merge2) is "COMPLETED" or "FAILED", "the new follow-up job to end", cluster);
        string log = File.ReadAllText(Path.Combine(out_, "slurm", "logs", $"extract-merge-{merge2}.out"));
        Assert.True(cluster.Queue().GetValueOrDefault(merge2) == "COMPLETED", log);
        var after = Logged("status", Cli(cluster, ["slurm", "status", out_]));
        Assert.Contains("stage 0 extract: merged", after);
        Assert.Contains($"{array2}_1 COMPLETED", after);

        var merged = ChildExtraction.StoreBytes(stores).Where(p => !p.Key.Contains(".shard-")).ToDictionary();
        Assert.Equal(reference.Keys.Order(), merged.Keys.Order());
        foreach (var (key, bytes) in reference)
            Assert.True(bytes.AsSpan().SequenceEqual(merged[key]), $"{key} merged through Slurm differs from the {what}'s");
        Log($"merged stores byte-identical to the {what}: {string.Join(", ", reference.Keys.Order().Select(Short))}");
        return log;
    }

    /// <summary><c>pool1-bb83…/features.lpfm</c> for a store file's key.</summary>
    static string Short(string key) => key.IndexOf('-') is int dash and > 0 && key.Length > dash + 5 ? $"{key[..(dash + 5)]}…/{Path.GetFileName(key)}" : key;

    /// <summary><paramref name="output"/>, each line logged after <paramref name="what"/>.</summary>
    string Logged(string what, string output)
    {
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Log($"{what}: {line}");
        return output;
    }

    static bool Alive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    /// <summary>Runs <c>layerprobe ARGS</c> as a client of the cluster; its standard output.</summary>
    static string Cli(OneNodeSlurm cluster, string[] args)
    {
        using var child = ChildCli.Start(args, cluster.Environment);
        bool ended = child.WaitForExit(Timeout);
        Assert.True(ended && child.ExitCode == 0, $"layerprobe {string.Join(' ', args)}: {child}");
        return child.Output;
    }

    static void WaitFor(Func<bool> done, string what, OneNodeSlurm cluster)
    {
        var clock = Stopwatch.StartNew();
        while (!done())
        {
            if (clock.Elapsed > Timeout)
                Assert.Fail($"waited {Timeout} for {what}; queue: {string.Join(", ", cluster.Queue().Select(q => $"{q.Key} {q.Value}"))}");
            Thread.Sleep(300);
        }
    }

    [GeneratedRegex(@"submitted array job (\d+)")]
    private static partial Regex ArrayJob();

    [GeneratedRegex(@"submitted follow-up job (\d+)")]
    private static partial Regex MergeJob();
}
