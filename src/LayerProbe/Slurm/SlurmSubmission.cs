using System.Text.Json;
using System.Text.Json.Serialization;

namespace LayerProbe.Slurm;

/// <summary>A job submitted for a stage: its array tasks (null for a follow-up job) and when.</summary>
/// <param name="Stage">Index of the stage.</param>
/// <param name="Kind"><c>array</c> or <c>merge</c> (the follow-up job).</param>
/// <param name="JobId">Slurm's job id.</param>
/// <param name="Tasks">Array range submitted (e.g. <c>0-6</c>, <c>1,4</c>); null for a follow-up job.</param>
/// <param name="AfterOk">Jobs it waits for.</param>
/// <param name="Submitted">When (UTC, ISO 8601).</param>
public sealed record SubmittedJob(int Stage, string Kind, string JobId, string? Tasks, IReadOnlyList<string> AfterOk, string Submitted);

/// <summary>
/// The state of a submission, kept as <c>submission.json</c> in its folder (<c>OUT/slurm/</c>) beside the scripts and
/// job logs, written atomically after every sbatch: the stages, the settings and every job submitted, so that
/// <c>layerprobe slurm resubmit</c> and <c>status</c> can pick up from the folder alone.
/// </summary>
public sealed record SlurmSubmission
{
    /// <summary>File name of the state.</summary>
    public const string FileName = "submission.json";

    /// <summary>The folder holding the state, the scripts (<c>STAGE.array.sh</c>, <c>STAGE.merge.sh</c>) and <c>logs/</c>.</summary>
    public required string Folder { get; init; }
    /// <summary>The sharded stages in order.</summary>
    public required IReadOnlyList<SlurmStage> Stages { get; init; }
    /// <summary>How jobs are requested.</summary>
    public required SlurmSettings Settings { get; init; }
    /// <summary>Every job submitted, oldest first.</summary>
    public IReadOnlyList<SubmittedJob> Jobs { get; init; } = [];

    /// <summary>Array script of stage <paramref name="stage"/>.</summary>
    public string ArrayScript(int stage) => Path.Combine(Folder, $"{stage}-{Stages[stage].Name}.array.sh");
    /// <summary>Follow-up script of stage <paramref name="stage"/>.</summary>
    public string FollowUpScript(int stage) => Path.Combine(Folder, $"{stage}-{Stages[stage].Name}.merge.sh");
    /// <summary>Where the job logs go.</summary>
    public string LogFolder => Path.Combine(Folder, "logs");

    static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Writes the state atomically.</summary>
    public void Save() => AtomicFile.WriteText(Path.Combine(Folder, FileName), JsonSerializer.Serialize(this, Json));

    /// <summary>
    /// The state in <paramref name="folder"/>: the submission folder itself or the output folder holding it in
    /// <c>slurm/</c>; none there is one line.
    /// </summary>
    public static SlurmSubmission Load(string folder)
    {
        string path = new[] { Path.Combine(folder, FileName), Path.Combine(folder, "slurm", FileName) }.FirstOrDefault(File.Exists)
            ?? throw LayerProbeException.For(folder, $"no Slurm submission here (no {FileName} in it or in its slurm/ folder)");
        try { return JsonSerializer.Deserialize<SlurmSubmission>(File.ReadAllText(path), Json) ?? throw new JsonException("null"); }
        catch (JsonException e) { throw LayerProbeException.For(path, $"unreadable submission state ({e.Message})", e); }
    }
}
