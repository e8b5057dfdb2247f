using LayerProbe.Slurm;
using LayerProbe.Studies;
using LayerProbe.Studies.Files;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe slurm STUDY.yaml [--set K=V]… [--out DIR] --shards N …</c>: the study's sharded stages
/// (<see cref="StudyShards"/>: the extraction of every (network, data) pair its layer-wise steps probe) as job arrays
/// with their merge jobs, then one job running <c>layerprobe study STUDY.yaml [the same --set] --out DIR</c>, which
/// finds every store whole and only probes, analyses and reports. Stages that are not sharded are said in one line
/// each. State, scripts and logs go to DIR/slurm, so <c>slurm status DIR</c> and <c>slurm resubmit DIR</c> work as for
/// a sharded command.
/// </summary>
static class SlurmStudy
{
    /// <summary>True when <paramref name="first"/> names a study (a file, or a shipped study) rather than a command.</summary>
    public static bool IsStudy(string first) =>
        !SlurmCommand.Sharded.Contains(first) && (first.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || first.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
            || File.Exists(first) || Study.Shipped.Contains(first));

    /// <summary>Submits (or with <paramref name="dryRun"/> prints) the study; <paramref name="args"/> are the study file and its own options.</summary>
    public static void Submit(IReadOnlyList<string> args, Func<IReadOnlyList<IReadOnlyList<string>>, SlurmSettings> settingsWith, bool dryRun,
        Action<IReadOnlyList<string>, string?> checkParses)
    {
        string file = args[0];
        var sets = new List<string>();
        string? output = null;
        for (int i = 1; i < args.Count; i++)
        {
            string a = args[i], name = a.Split('=', 2)[0];
            if (name is not ("--set" or "--out"))
                throw LayerProbeException.For($"slurm {file}", $"'{a}' is not an option of a study submission (--set K=V, --out DIR and the slurm options)");
            string value = a.Contains('=') ? a[(name.Length + 1)..] : i + 1 < args.Count ? args[++i] : throw LayerProbeException.For(name, "needs a value");
            if (name == "--set") sets.Add(value);
            else output = value;
        }
        var overrides = output is null ? sets : [.. sets, $"output={output}"];
        var study = !File.Exists(file) && Study.Shipped.Contains(file) ? Study.LoadShipped(file, overrides) : Study.Load(file, overrides);
        var plan = StudyShards.Plan(study);
        foreach (var line in plan.NotSharded) Console.WriteLine(line);
        if (plan.Stages.Count == 0)
            throw LayerProbeException.For(file, $"nothing of this study is sharded; run it with `layerprobe study {file}`");
        List<string> run = ["study", file, .. sets.SelectMany(s => new[] { "--set", s }), "--out", plan.Output];
        foreach (var stage in plan.Stages)
            foreach (var command in stage.Commands) checkParses(command, "0/1");
        checkParses(run, null);
        string folder = Path.Combine(plan.Output, "slurm");
        SlurmRun.Submit(folder, plan.Stages, settingsWith([run]), dryRun, Console.WriteLine);
        if (!dryRun) Console.WriteLine($"state, scripts and logs: {folder}  (layerprobe slurm status {plan.Output})");
    }
}
