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
            // (stores only: the features folder also keeps the probes' results, which are not sharded)
            var held = Directory.GetDirectories(Path.Combine(local, "features")).Where(FeatureStoreFiles.IsComplete).Select(d =>
            {
                string store = Path.Combine(features, Path.GetFileName(d) + new Shard(1, 3).Suffix);
                Directory.CreateDirectory(store);
                return StoreWriteLock.Acquire(store);
            }).ToList();

            var submit = Logged("slurm", Cli(cluster, ["slurm", study, "--out", out_, "--shards", "3"]));
            string array = ArrayJob().Match(submit).Groups[1].Value, merge = MergeJob().Match(submit).Groups[1].Value;
            Assert.True(array.Length > 0 && merge.Length > 0, submit);
            Assert.DoesNotContain("not sharded", submit);

            var (array2, merge2) = CancelTaskOneAndResubmit(cluster, out_, features, array, merge, held,
                () => Directory.Exists(Path.Combine(out_, "report")) || Directory.GetDirectories(features).Any(d => !d.Contains(".shard-") && FeatureStoreFiles.IsComplete(d)));

            string finalLog = MergedAsReference(cluster, out_, features, array2, merge2, reference, "local study");
            Logged("merge+study job log", finalLog);
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
