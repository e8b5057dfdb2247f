using System.ComponentModel;
using System.Diagnostics;

namespace LayerProbe.Slurm;

/// <summary>
/// Slurm's own command-line clients (<c>sbatch</c>, <c>squeue</c>, <c>sacct</c>, <c>scancel</c>) run as child
/// processes; a missing program or a refused request is one line naming it with Slurm's own message.
/// </summary>
public sealed class SlurmClient
{
    /// <summary>Submits <paramref name="script"/> (<c>sbatch --parsable</c>) with an array range and dependencies; returns the job id.</summary>
    public string Submit(string script, string? array, IReadOnlyCollection<string> afterOk)
    {
        var args = new List<string> { "--parsable" };
        if (array is not null) args.Add($"--array={array}");
        if (afterOk.Count > 0) args.Add($"--dependency=afterok:{string.Join(':', afterOk)}");
        args.Add(script);
        var (code, output, error) = Run("sbatch", args);
        string id = output.Trim().Split(';')[0];
        if (code != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
            throw LayerProbeException.For(script, $"sbatch refused it: {FirstLine(error, output)}");
        return id;
    }

    /// <summary>State of every job and array task in the queue among <paramref name="jobs"/> (<c>squeue</c>): id (<c>123_4</c> for tasks) → state.</summary>
    public IReadOnlyDictionary<string, string> Queue(IEnumerable<string> jobs) =>
        Table("squeue", ["--noheader", "--array", "--states=all", $"--jobs={string.Join(',', jobs)}", "--format=%i %T"]);

    /// <summary>Finished states from accounting (<c>sacct</c>); empty when the cluster keeps no accounting.</summary>
    public IReadOnlyDictionary<string, string> Accounting(IEnumerable<string> jobs) =>
        Table("sacct", ["--noheader", "--parsable2", "--allocations", $"--jobs={string.Join(',', jobs)}", "--format=JobID,State"], separator: '|', quiet: true);

    /// <summary>Cancels <paramref name="jobs"/> (<c>scancel</c>); already finished ones are no error.</summary>
    public void Cancel(IEnumerable<string> jobs)
    {
        var list = jobs.ToList();
        if (list.Count > 0) Run("scancel", list);
    }

    IReadOnlyDictionary<string, string> Table(string program, IReadOnlyList<string> args, char separator = ' ', bool quiet = false)
    {
        var (code, output, error) = Run(program, args, quiet);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        if (code != 0)
        {
            if (quiet) return states;
            throw LayerProbeException.For(program, FirstLine(error, output));
        }
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            if (line.Split(separator) is [var id, var state, ..]) states[id] = state.Split(' ')[0];
        return states;
    }

    static (int Code, string Output, string Error) Run(string program, IReadOnlyList<string> args, bool quiet = false)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            string output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, output, error.Result);
        }
        catch (Win32Exception e)
        {
            if (quiet) return (-1, "", e.Message);
            throw LayerProbeException.For(program, $"cannot run Slurm's client ({e.Message}); is Slurm installed and on PATH?", e);
        }
    }

    static string FirstLine(string error, string output) =>
        (error + "\n" + output).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no message";
}
