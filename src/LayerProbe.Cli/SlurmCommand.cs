using System.CommandLine;
using System.Globalization;
using LayerProbe.Slurm;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe slurm COMMAND … --shards N [--partition P] [--gpus-per-task G] [--time T] [--cpus-per-task C]
/// [--then "COMMAND …"]… [--dry-run]</c> (and <c>layerprobe slurm STUDY.yaml [--set K=V]… [--out DIR] --shards N …</c>,
/// <see cref="SlurmStudy"/>): runs a sharded command (extract, proposals, transform, head-features) as a
/// Slurm job array of N tasks plus a dependent job that merges the shard stores and runs the <c>--then</c> commands
/// (and the command itself once more, unsharded: with every store whole it only checks and reports them). State, scripts
/// and logs go to the command's <c>--out</c>/slurm. <c>layerprobe slurm resubmit DIR</c> and <c>status DIR</c> pick up
/// from there. The slurm options are taken out of the command line wherever they stand; the rest is the command.
/// </summary>
static class SlurmCommand
{
    /// <summary>Commands with <c>--shard</c>.</summary>
    public static readonly IReadOnlyList<string> Sharded = ["extract", "proposals", "transform", "head-features"];

    static readonly string[] Valued = ["--shards", "--partition", "--gpus-per-task", "--time", "--cpus-per-task", "--then"];

    public static Command Create()
    {
        var command = new Command("slurm",
            $"Run a sharded command ({string.Join(", ", Sharded)}) or a study file on a Slurm cluster: layerprobe slurm COMMAND ARGS…|STUDY.yaml [--set K=V]… [--out DIR] --shards N " +
            "[--partition P] [--gpus-per-task G] [--time T] [--cpus-per-task C] [--then \"COMMAND ARGS\"]… [--dry-run]; then `slurm status DIR`, `slurm resubmit DIR`.");
        var dir = new Argument<string>("DIR") { Description = "the command's --out folder (or its slurm/ folder)" };
        var status = new Command("status", "Progress of a submission: shards complete per stage (from the stores) and job states (squeue, sacct).") { dir };
        status.SetAction(parse => Cli.Guard(() => { foreach (var line in SlurmRun.Status(parse.GetValue(dir)!)) Console.WriteLine(line); }));
        var dir2 = new Argument<string>("DIR") { Description = "the command's --out folder (or its slurm/ folder)" };
        var resubmit = new Command("resubmit", "Submit again only the shards whose stores are not complete, then the merge and what follows.") { dir2 };
        resubmit.SetAction(parse => Cli.Guard(() => SlurmRun.Resubmit(parse.GetValue(dir2)!, Console.WriteLine)));
        command.Subcommands.Add(status);
        command.Subcommands.Add(resubmit);
        return command;
    }

    /// <summary>True when <paramref name="args"/> (after <c>slurm</c>) are the submit form, which is parsed here, not by System.CommandLine.</summary>
    public static bool IsSubmission(IReadOnlyList<string> args) =>
        args.Count > 0 && args[0] is not ("status" or "resubmit" or "--help" or "-h" or "-?" or "help");

    /// <summary>The submit form: one line and exit 2 on any user error.</summary>
    public static int Submit(IReadOnlyList<string> args) => Cli.Guard(() =>
    {
        var values = new Dictionary<string, List<string>>();
        var rest = new List<string>();
        bool dryRun = false;
        for (int i = 0; i < args.Count; i++)
        {
            string a = args[i], name = a.Split('=', 2)[0];
            if (a == "--dry-run") { dryRun = true; continue; }
            if (!Valued.Contains(name)) { rest.Add(a); continue; }
            string value = a.Contains('=') ? a[(name.Length + 1)..] : i + 1 < args.Count ? args[++i] : throw LayerProbeException.For(name, "needs a value");
            (values.TryGetValue(name, out var list) ? list : values[name] = []).Add(value);
        }
        string verb = rest.Count > 0 ? rest[0] : throw new LayerProbeException($"slurm: name the command to shard ({string.Join(", ", Sharded)}) or a study file");
        string? One(string name) => values.TryGetValue(name, out var v) ? v[^1] : null;
        int Number(string name, int fallback) => One(name) is not { } text ? fallback
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : throw LayerProbeException.For(name, $"'{text}' is not a whole number");
        bool study = SlurmStudy.IsStudy(verb);
        if (!study && !Sharded.Contains(verb)) throw LayerProbeException.For($"slurm {verb}", $"is not a sharded command (sharded: {string.Join(", ", Sharded)}) nor a study file; run it with --then after one");
        if (One("--shards") is null) throw LayerProbeException.For("--shards", "required: how many array tasks");
        SlurmSettings Settings(IReadOnlyList<IReadOnlyList<string>> then) => new(Number("--shards", 0), One("--partition"),
            values.ContainsKey("--gpus-per-task") ? Number("--gpus-per-task", 0) : null, One("--time"), Number("--cpus-per-task", 1), Launcher(), Environment.CurrentDirectory, then);
        if (study)
        {
            if (values.ContainsKey("--then")) throw LayerProbeException.For("--then", "not with a study: the study's own steps follow its sharded stages");
            SlurmStudy.Submit(rest, Settings, dryRun, CheckParses);
            return;
        }
        if (rest.Any(a => a.Split('=')[0] == ShardOption.Name)) throw LayerProbeException.For(ShardOption.Name, "is set by each array task; leave it out");
        string output = OutValue(rest) ?? throw LayerProbeException.For($"slurm {verb}", "needs --out (the shard stores and the submission state go there)");
        CheckParses(rest, "0/1");
        var then = (values.TryGetValue("--then", out var t) ? t : []).Select(c => (IReadOnlyList<string>)c.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        foreach (var c in then) CheckParses(c, null);
        string folder = Path.GetFullPath(output);
        var stage = new SlurmStage(verb, rest, folder);
        var settings = Settings([rest, .. then]);
        SlurmRun.Submit(Path.Combine(folder, "slurm"), [stage], settings, dryRun, Console.WriteLine);
        if (!dryRun) Console.WriteLine($"state, scripts and logs: {Path.Combine(folder, "slurm")}  (layerprobe slurm status {output})");
    });

    static string? OutValue(IReadOnlyList<string> args)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--out" && i + 1 < args.Count) return args[i + 1];
            if (args[i].StartsWith("--out=", StringComparison.Ordinal)) return args[i][6..];
        }
        return null;
    }

    /// <summary>A command that would not parse is refused now, not in N jobs later.</summary>
    internal static void CheckParses(IReadOnlyList<string> command, string? shard)
    {
        string[] args = shard is null ? [.. command] : [.. command, ShardOption.Name, shard];
        var errors = CliApp.ParseErrors(args);
        if (errors.Count > 0) throw LayerProbeException.For($"slurm {string.Join(' ', command.Take(1))}", errors[0]);
    }

    /// <summary>How the jobs start this same layerprobe: the apphost itself, or <c>dotnet layerprobe.dll</c>.</summary>
    static IReadOnlyList<string> Launcher()
    {
        string host = Environment.ProcessPath ?? "dotnet";
        return Path.GetFileNameWithoutExtension(host) == "dotnet" ? [host, typeof(CliApp).Assembly.Location] : [host];
    }
}
