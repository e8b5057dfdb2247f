using System.Text;

namespace LayerProbe.Slurm;

/// <summary>
/// The batch scripts of a submission: one array script per sharded stage (task I runs the stage's commands with
/// <c>--shard I/N</c>, in order; <c>set -e</c> stops it at the first that fails) and one follow-up script per stage (merges the stage's shard stores, and after the last stage
/// runs the <see cref="SlurmSettings.Then"/> commands). The array range and the dependencies are not in the scripts but
/// on sbatch's command line, so a resubmission reuses the same scripts for only the missing shards.
/// </summary>
public static class SlurmScripts
{
    /// <summary>Array script of <paramref name="stage"/>; logs go to <paramref name="logFolder"/>.</summary>
    public static string Array(SlurmStage stage, SlurmSettings settings, string logFolder)
    {
        var text = Header($"layerprobe-{stage.Name}", Path.Combine(logFolder, $"{stage.Name}-%A_%a.out"), settings, gpus: true);
        text.Append("echo \"layerprobe shard ${SLURM_ARRAY_TASK_ID}/").Append(settings.Shards).Append(" of ").Append(stage.Name)
            .Append(" on $(hostname), job ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
        var commands = stage.Commands;
        foreach (var command in commands)
            text.Append(commands.Count == 1 ? "exec " : "").Append(Command(settings.Launcher, command)).Append(" --shard \"${SLURM_ARRAY_TASK_ID}/")
                .Append(settings.Shards).Append("\"\n");
        return text.ToString();
    }

    /// <summary>Follow-up script of stage <paramref name="stage"/>: merge, then (when <paramref name="last"/>) what follows.</summary>
    public static string FollowUp(SlurmStage stage, SlurmSettings settings, string logFolder, bool last)
    {
        var text = Header($"layerprobe-{stage.Name}-merge", Path.Combine(logFolder, $"{stage.Name}-merge-%j.out"), settings, gpus: false);
        text.Append(Command(settings.Launcher, ["merge", stage.StoreFolder])).Append('\n');
        if (last)
            foreach (var then in settings.Then) text.Append(Command(settings.Launcher, then)).Append('\n');
        text.Append("echo \"layerprobe ").Append(stage.Name).Append(" merged\"\n");
        return text.ToString();
    }

    static StringBuilder Header(string name, string log, SlurmSettings settings, bool gpus)
    {
        var text = new StringBuilder("#!/bin/bash\n");
        text.Append("#SBATCH --job-name=").Append(name).Append('\n');
        text.Append("#SBATCH --output=").Append(log).Append('\n');
        text.Append("#SBATCH --ntasks=1\n#SBATCH --cpus-per-task=").Append(settings.CpusPerTask).Append('\n');
        if (settings.Partition is { } p) text.Append("#SBATCH --partition=").Append(p).Append('\n');
        if (settings.Time is { } t) text.Append("#SBATCH --time=").Append(t).Append('\n');
        if (gpus && settings.GpusPerTask is > 0) text.Append("#SBATCH --gpus-per-task=").Append(settings.GpusPerTask).Append('\n');
        text.Append("set -euo pipefail\n");
        text.Append("export CI=true  # plain progress lines in the job log\n");
        text.Append("cd ").Append(Quote(settings.WorkingDirectory)).Append('\n');
        return text;
    }

    static string Command(IEnumerable<string> launcher, IEnumerable<string> arguments) => string.Join(' ', launcher.Concat(arguments).Select(Quote));

    /// <summary>One shell word: single-quoted, with embedded single quotes closed, escaped and reopened.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
