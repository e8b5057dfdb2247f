namespace LayerProbe.Slurm;

/// <summary>
/// One sharded stage of a submission: a <c>layerprobe</c> command line (without <c>--shard</c>; each array task adds
/// its own <c>--shard $SLURM_ARRAY_TASK_ID/N</c>) and the folder its shard stores are written to (its <c>--out</c>).
/// The shard stores in that folder say which shards are done (<see cref="Sharding.ShardProgress"/>), so each stage of
/// one submission needs a folder of its own. A stage may hold further commands into the same folder (a study's
/// extractions of several (network, data) pairs): each array task runs them all, one after the other, with its shard.
/// </summary>
/// <param name="Name">Short name (the command's verb), used in job names and file names.</param>
/// <param name="Arguments">The command's arguments, verb first.</param>
/// <param name="StoreFolder">Where its shard stores go (absolute).</param>
/// <param name="Also">Further commands of the stage (arguments, verb first), run after <paramref name="Arguments"/> by each task.</param>
public sealed record SlurmStage(string Name, IReadOnlyList<string> Arguments, string StoreFolder, IReadOnlyList<IReadOnlyList<string>>? Also = null)
{
    /// <summary>Every command of the stage, in the order each array task runs them.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<IReadOnlyList<string>> Commands => [Arguments, .. Also ?? []];
}

/// <summary>How the jobs of a submission are requested from Slurm.</summary>
/// <param name="Shards">Array tasks per sharded stage (N).</param>
/// <param name="Partition">Partition (<c>sbatch --partition</c>; null: the cluster's default).</param>
/// <param name="GpusPerTask">GPUs per array task (<c>--gpus-per-task</c>; null: none requested).</param>
/// <param name="Time">Time limit per job (<c>--time</c>, Slurm's format; null: the partition's default).</param>
/// <param name="CpusPerTask">CPUs per array task (<c>--cpus-per-task</c>).</param>
/// <param name="Launcher">How a job starts <c>layerprobe</c> (e.g. <c>dotnet /path/layerprobe.dll</c>).</param>
/// <param name="WorkingDirectory">Where the jobs run (relative paths in the commands are relative to it).</param>
/// <param name="Then">Commands the final dependent job runs after the last merge (each a <c>layerprobe</c> argument list).</param>
public sealed record SlurmSettings(int Shards, string? Partition, int? GpusPerTask, string? Time, int CpusPerTask,
    IReadOnlyList<string> Launcher, string WorkingDirectory, IReadOnlyList<IReadOnlyList<string>> Then)
{
    /// <summary>Checks the numbers; a bad one is one line naming its option.</summary>
    public SlurmSettings Checked()
    {
        if (Shards < 1) throw LayerProbeException.For("--shards", $"must be at least 1, got {Shards}");
        if (GpusPerTask is < 0) throw LayerProbeException.For("--gpus-per-task", $"must be 0 or more, got {GpusPerTask}");
        if (CpusPerTask < 1) throw LayerProbeException.For("--cpus-per-task", $"must be at least 1, got {CpusPerTask}");
        if (Launcher.Count == 0) throw new ArgumentException("no launcher");
        return this;
    }
}
