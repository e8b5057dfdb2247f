using System.Globalization;
using LayerProbe.Sharding;

namespace LayerProbe.Slurm;

/// <summary>
/// Slurm as the engine of sharded runs. <see cref="Submit"/> writes one array script and one follow-up script per
/// sharded stage and submits them as a chain: stage k's array (<c>sbatch --array=0-(N-1)</c>, after stage k−1's
/// follow-up), then its follow-up (<c>--dependency=afterok:ARRAY</c>) that merges the stage's shard stores and, after the
/// last stage, runs the commands that follow. <see cref="Resubmit"/> asks the stores which shards are not complete and
/// submits only those (and the follow-ups again); <see cref="Status"/> reads progress back from the queue and the stores.
/// Everything is kept in the submission folder (<see cref="SlurmSubmission"/>), saved after every sbatch.
/// </summary>
public static class SlurmRun
{
    /// <summary>Writes the scripts and submits the chain (nothing is submitted or written with <paramref name="dryRun"/>: the scripts are printed).</summary>
    public static SlurmSubmission Submit(string folder, IReadOnlyList<SlurmStage> stages, SlurmSettings settings, bool dryRun, Action<string> say,
        SlurmClient? client = null)
    {
        if (stages.Count == 0) throw new ArgumentException("no stages");
        settings.Checked();
        var duplicate = stages.GroupBy(s => Path.GetFullPath(s.StoreFolder)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw LayerProbeException.For(duplicate.Key, "two sharded stages write this folder; each stage needs its own --out (its stores say which of its shards are done)");
        var submission = new SlurmSubmission { Folder = Path.GetFullPath(folder), Stages = stages, Settings = settings };
        if (dryRun)
        {
            for (int s = 0; s < stages.Count; s++)
            {
                say($"# {submission.ArrayScript(s)}  (sbatch --array=0-{settings.Shards - 1}{(s > 0 ? " --dependency=afterok:<previous merge>" : "")})");
                say(SlurmScripts.Array(stages[s], settings, submission.LogFolder));
                say($"# {submission.FollowUpScript(s)}  (sbatch --dependency=afterok:<array of {stages[s].Name}>)");
                say(SlurmScripts.FollowUp(stages[s], settings, submission.LogFolder, last: s == stages.Count - 1));
            }
            return submission;
        }
        if (File.Exists(Path.Combine(submission.Folder, SlurmSubmission.FileName)))
            throw LayerProbeException.For(submission.Folder, "a submission is already kept here; use `layerprobe slurm status` or `resubmit`, or remove the folder");
        OutputFolder.Prepare(submission.LogFolder);
        WriteScripts(submission);
        return SubmitFrom(submission, 0, Enumerable.Range(0, settings.Shards).ToList(), [], client ?? new SlurmClient(), say);
    }

    /// <summary>
    /// Submits again what the stores say is not done: in the first stage not yet merged, the shards that are neither
    /// complete nor queued, then that stage's follow-up and every later stage as at first. Pending follow-ups of the
    /// earlier attempt (which wait forever on a failed array) are cancelled first.
    /// </summary>
    public static SlurmSubmission Resubmit(string folder, Action<string> say, SlurmClient? client = null)
    {
        client ??= new SlurmClient();
        var submission = SlurmSubmission.Load(folder);
        int n = submission.Settings.Shards;
        int stage = Enumerable.Range(0, submission.Stages.Count).FirstOrDefault(s => !ShardProgress.Of(submission.Stages[s].StoreFolder, n).Merged, -1);
        var queue = client.Queue(submission.Jobs.Select(j => j.JobId));
        var active = queue.Where(q => q.Value is "PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "SUSPENDED" or "REQUEUED").Select(q => q.Key).ToList();
        var waiting = submission.Jobs.Where(j => j.Kind == "merge" && (stage < 0 || j.Stage >= stage) && active.Contains(j.JobId)).Select(j => j.JobId).ToList();
        client.Cancel(waiting);
        foreach (var id in waiting) say($"cancelled follow-up job {id} of the earlier attempt");
        if (stage < 0)
        {
            say("every stage is merged; nothing to resubmit");
            return submission;
        }
        var progress = ShardProgress.Of(submission.Stages[stage].StoreFolder, n);
        var queued = new HashSet<int>();
        var queuedJobs = new List<string>();
        foreach (var job in submission.Jobs.Where(j => j.Kind == "array" && j.Stage == stage))
            foreach (var (id, state) in queue)
                if (active.Contains(id) && TaskIndices(id, job.JobId) is { } indices)
                {
                    queued.UnionWith(indices);
                    if (!queuedJobs.Contains(job.JobId)) queuedJobs.Add(job.JobId);
                }
        var todo = progress.Unfinished.Where(i => !queued.Contains(i)).ToList();
        say($"{submission.Stages[stage].Name}: shards complete {progress.Complete.Count}/{n}; still queued {queued.Count}; resubmitting {(todo.Count == 0 ? "none" : string.Join(",", todo))}");
        return SubmitFrom(submission, stage, todo, queuedJobs, client, say);
    }

    /// <summary>One line per stage and job: shards complete/started/missing from the stores, job states from squeue (sacct for jobs gone from the queue).</summary>
    public static IReadOnlyList<string> Status(string folder, SlurmClient? client = null)
    {
        client ??= new SlurmClient();
        var submission = SlurmSubmission.Load(folder);
        int n = submission.Settings.Shards;
        var ids = submission.Jobs.Select(j => j.JobId).ToList();
        var states = ids.Count > 0 ? client.Queue(ids).ToDictionary() : [];
        foreach (var (id, state) in ids.Count > 0 ? client.Accounting(ids) : new Dictionary<string, string>()) states.TryAdd(id, state);
        var lines = new List<string>();
        for (int s = 0; s < submission.Stages.Count; s++)
        {
            var p = ShardProgress.Of(submission.Stages[s].StoreFolder, n);
            lines.Add($"stage {s} {submission.Stages[s].Name}: {(p.Merged ? "merged" : $"shards complete {p.Complete.Count}/{n}")}" +
                      $"{(p.Started.Count > 0 ? $", started {string.Join(",", p.Started)}" : "")}{(p.Missing.Count > 0 && !p.Merged ? $", not started {string.Join(",", p.Missing)}" : "")}" +
                      $"  ({p.Stores} store{(p.Stores == 1 ? "" : "s")} in {submission.Stages[s].StoreFolder})");
            foreach (var job in submission.Jobs.Where(j => j.Stage == s))
            {
                var own = states.Where(q => q.Key == job.JobId || q.Key.StartsWith(job.JobId + "_", StringComparison.Ordinal)).OrderBy(q => q.Key, StringComparer.Ordinal)
                    .Select(q => $"{q.Key} {q.Value}").ToList();
                lines.Add($"  {job.Kind,-5} job {job.JobId}{(job.Tasks is null ? "" : $" tasks {job.Tasks}")}: {(own.Count > 0 ? string.Join(", ", own) : "not in the queue (finished; no accounting kept)")}");
            }
        }
        return lines;
    }

    static void WriteScripts(SlurmSubmission submission)
    {
        for (int s = 0; s < submission.Stages.Count; s++)
        {
            AtomicFile.WriteText(submission.ArrayScript(s), SlurmScripts.Array(submission.Stages[s], submission.Settings, submission.LogFolder));
            AtomicFile.WriteText(submission.FollowUpScript(s), SlurmScripts.FollowUp(submission.Stages[s], submission.Settings, submission.LogFolder,
                last: s == submission.Stages.Count - 1));
        }
    }

    /// <summary>Submits stage <paramref name="first"/>'s <paramref name="shards"/> (after <paramref name="alsoAfter"/>), its follow-up, and every later stage in full.</summary>
    static SlurmSubmission SubmitFrom(SlurmSubmission submission, int first, IReadOnlyList<int> shards, IReadOnlyList<string> alsoAfter, SlurmClient client, Action<string> say)
    {
        var previous = new List<string>(alsoAfter);
        for (int s = first; s < submission.Stages.Count; s++)
        {
            var tasks = s == first ? shards : Enumerable.Range(0, submission.Settings.Shards).ToList();
            var after = new List<string>(previous);
            if (tasks.Count > 0)
            {
                string range = Ranges(tasks);
                var dependsOn = s == first ? [] : previous;
                string array = client.Submit(submission.ArrayScript(s), range, dependsOn);
                submission = Record(submission, new SubmittedJob(s, "array", array, range, dependsOn, Now));
                say($"submitted array job {array} ({submission.Stages[s].Name}, tasks {range})");
                after = s == first ? [.. alsoAfter, array] : [array];
            }
            string merge = client.Submit(submission.FollowUpScript(s), null, after);
            submission = Record(submission, new SubmittedJob(s, "merge", merge, null, after, Now));
            say($"submitted follow-up job {merge} (merge {submission.Stages[s].Name}{(s == submission.Stages.Count - 1 && submission.Settings.Then.Count > 0 ? ", then what follows" : "")}; after {(after.Count > 0 ? string.Join(",", after) : "nothing")})");
            previous = [merge];
        }
        return submission;
    }

    static SlurmSubmission Record(SlurmSubmission submission, SubmittedJob job)
    {
        var updated = submission with { Jobs = [.. submission.Jobs, job] };
        updated.Save();
        return updated;
    }

    static string Now => DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);

    /// <summary><c>0-2,5,7-8</c> for 0,1,2,5,7,8.</summary>
    public static string Ranges(IEnumerable<int> indices)
    {
        var sorted = indices.Distinct().Order().ToList();
        var parts = new List<string>();
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j + 1 < sorted.Count && sorted[j + 1] == sorted[j] + 1) j++;
            parts.Add(i == j ? $"{sorted[i]}" : $"{sorted[i]}-{sorted[j]}");
            i = j + 1;
        }
        return string.Join(',', parts);
    }

    /// <summary>The task indices squeue's id <paramref name="id"/> stands for when it belongs to array job <paramref name="job"/>: <c>123_4</c>, <c>123_[0-2,5%2]</c>.</summary>
    public static IReadOnlyList<int>? TaskIndices(string id, string job)
    {
        if (!id.StartsWith(job + "_", StringComparison.Ordinal)) return null;
        string rest = id[(job.Length + 1)..].Trim('[', ']').Split('%')[0];
        var result = new List<int>();
        foreach (var part in rest.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var bounds = part.Split('-');
            if (!int.TryParse(bounds[0], CultureInfo.InvariantCulture, out int a)) return null;
            int b = bounds.Length > 1 && int.TryParse(bounds[1], CultureInfo.InvariantCulture, out int end) ? end : a;
            for (int i = a; i <= b; i++) result.Add(i);
        }
        return result;
    }
}
