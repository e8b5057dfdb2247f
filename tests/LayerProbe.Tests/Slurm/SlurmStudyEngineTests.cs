using System.Text.RegularExpressions;
using LayerProbe.Features;
using LayerProbe.Sharding;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Features;
using LayerProbe.Tests.Sharding;

namespace LayerProbe.Tests.Slurm;

/// <summary>
/// <c>layerprobe slurm STUDY.yaml --shards 3</c> on a real one-node Slurm: the study's extractions (trainval and test of
/// its one (network, data) pair) as one job array, one task cancelled on purpose while it runs, <c>resubmit</c>, then
/// the merge and the study job; the merged stores equal a local <c>layerprobe study</c> run's byte for byte, the final
/// study job extracted nothing, and its report tables equal the local report's (<see cref="ReportTables"/>).
/// </summary>
public partial class SlurmEngineTests
{
    [SlurmFact]
    public void A_sharded_study_through_slurm_survives_a_killed_task_and_equals_a_local_run_in_stores_and_report()
    {
        using var tmp = new TempDir();
        string study = SlurmStudyTests.TinyStudy(tmp.Path);
        string local = tmp.Sub("local");
        using (var run = ChildCli.Run(Timeout, "study", study, "--out", local)) Assert.True(run.ExitCode == 0, run.ToString());
        var reference = ChildExtraction.StoreBytes(Path.Combine(local, "features"));
        var referenceTables = ReportTables(Path.Combine(local, "report"));
        Log($"local study run: {reference.Count / 2} stores, {referenceTables.Count} report tables");

        List<int> daemons;
        using (var cluster = new OneNodeSlurm(Log))
        {
            daemons = [.. cluster.DaemonPids];
            string out_ = tmp.Sub("slurm-out"), features = Path.Combine(out_, "features");
            // Task 1 will wait inside its run for these locks (shard 1 of every store), so it is surely running when cancelled.
            var held = Directory.GetDirectories(Path.Combine(local, "features")).Select(d =>
            {
                string store = Path.Combine(features, Path.GetFileName(d) + new Shard(1, 3).Suffix);
                Directory.CreateDirectory(store);
                return StoreWriteLock.Acquire(store);
            }).ToList();

            var submit = Cli(cluster, ["slurm", study, "--out", out_, "--shards", "3"]);
            foreach (var line in submit.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Log($"slurm: {line}");
            string array = ArrayJob().Match(submit).Groups[1].Value, merge = MergeJob().Match(submit).Groups[1].Value;
            Assert.True(array.Length > 0 && merge.Length > 0, submit);
            Assert.DoesNotContain("not sharded", submit);

            string log1 = Path.Combine(out_, "slurm", "logs", $"extract-{array}_1.out");
            WaitFor(() => ShardProgress.Of(features, 3).Complete.SequenceEqual([0, 2]) && cluster.Queue().GetValueOrDefault($"{array}_1") == "RUNNING"
                          && File.Exists(log1) && File.ReadAllText(log1).Contains("waiting for PID"), "shards 0 and 2 done, task 1 running and waiting", cluster);
            Log($"shards 0 and 2 complete (trainval and test, {reference.Count / 2} stores each); task {array}_1 running (waiting for the held store locks)");
            cluster.Cancel($"{array}_1");
            WaitFor(() => cluster.Queue().GetValueOrDefault($"{array}_1") is "CANCELLED" or "FAILED", "task 1 cancelled", cluster);
            foreach (var l in held) l.Dispose();
            Thread.Sleep(2000);
            var queue = cluster.Queue();
            Log($"cancelled {array}_1: {array}_1 {queue.GetValueOrDefault($"{array}_1")}, merge+study job {merge} {queue.GetValueOrDefault(merge)}");
            Assert.Equal("PENDING", queue.GetValueOrDefault(merge));
            Assert.False(Directory.Exists(Path.Combine(out_, "report")), "the study ran without shard 1");

            var status = Cli(cluster, ["slurm", "status", out_]);
            foreach (var line in status.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Log($"status: {line}");
            Assert.Contains("shards complete 2/3", status);
            Assert.Contains($"{array}_1 CANCELLED", status);

            var resubmit = Cli(cluster, ["slurm", "resubmit", out_]);
            foreach (var line in resubmit.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Log($"resubmit: {line}");
            Assert.Contains("resubmitting 1", resubmit);
            Assert.Contains($"cancelled follow-up job {merge}", resubmit);
            string array2 = ArrayJob().Match(resubmit).Groups[1].Value, merge2 = MergeJob().Match(resubmit).Groups[1].Value;
            Assert.Matches(@"tasks 1\)", resubmit);

            WaitFor(() => cluster.Queue().GetValueOrDefault(merge2) is "COMPLETED" or "FAILED", "the new merge and study job to end", cluster);
            string finalLog = File.ReadAllText(Path.Combine(out_, "slurm", "logs", $"extract-merge-{merge2}.out"));
            Assert.True(cluster.Queue().GetValueOrDefault(merge2) == "COMPLETED", finalLog);
            var after = Cli(cluster, ["slurm", "status", out_]);
            foreach (var line in after.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Log($"status: {line}");
            Assert.Contains("stage 0 extract: merged", after);
            Assert.Contains($"{array2}_1 COMPLETED", after);

            var merged = ChildExtraction.StoreBytes(features).Where(p => !p.Key.Contains(".shard-")).ToDictionary();
            Assert.Equal(reference.Keys.Order(), merged.Keys.Order());
            foreach (var (key, bytes) in reference)
                Assert.True(bytes.AsSpan().SequenceEqual(merged[key]), $"{key} merged through Slurm differs from the local run's");
            Log($"merged stores byte-identical to the local study's: {string.Join(", ", reference.Keys.Order().Select(Short))}");

            foreach (var line in finalLog.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Log($"merge+study job log: {line}");
            Assert.DoesNotContain("items in", finalLog); // the study found every store whole: it extracted nothing
            var tables = ReportTables(Path.Combine(out_, "report"));
            Assert.Equal(referenceTables.Keys.Order(), tables.Keys.Order());
            foreach (var (file, text) in referenceTables) Assert.Equal(text, tables[file]);
            Log($"report tables equal the local study's: {string.Join(", ", referenceTables.Keys.Order())}");
        }
        foreach (int pid in daemons)
            Assert.False(Alive(pid), $"daemon {pid} still runs");
        Log($"daemons {string.Join(", ", daemons)} stopped");
    }

    static string Short(string store) => store.Length > 24 ? $"{store[..Math.Min(store.IndexOf('-') + 5, store.Length)]}…/{Path.GetFileName(store)}" : store;

    /// <summary>
    /// The report's tables as text, by path in the report: every <c>.csv</c>, <c>.json</c> and <c>.md</c> file but the
    /// manifests (<c>manifest.json</c>: measurements, output paths, dates) — the result tables of every step and the
    /// page <c>README.md</c>, from which the run's own times are cut by one rule: the "Time and memory per step" table
    /// (heading to its "N cores." note) and every line saying a wall time or section time (with its peak RSS).
    /// </summary>
    static Dictionary<string, string> ReportTables(string report) =>
        Directory.GetFiles(report, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetExtension(f) is ".csv" or ".json" or ".md" && Path.GetFileName(f) != "manifest.json")
            .ToDictionary(f => Path.GetRelativePath(report, f), f => Path.GetFileName(f) == "README.md" ? WithoutTimes(File.ReadAllText(f)) : File.ReadAllText(f));

    static string WithoutTimes(string page)
    {
        string text = CostTable().Replace(page, "");
        Assert.NotEqual(page, text); // the rule still finds the table it cuts
        return string.Join('\n', text.Split('\n').Where(l => !l.Contains("wall time ") && !l.StartsWith("*Section time ")));
    }

    [GeneratedRegex(@"\*\*Time and memory per step\*\*.*?\n\*\d+ cores\.[^\n]*\n", RegexOptions.Singleline)]
    private static partial Regex CostTable();
}
