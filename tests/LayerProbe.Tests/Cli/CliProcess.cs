namespace LayerProbe.Tests.Cli;

/// <summary>
/// One-shot runs of the built <c>layerprobe</c> CLI as a child process (<see cref="ChildCli"/>), so exit codes and
/// stderr lines are those a user sees, not those of an in-process call.
/// </summary>
static class CliProcess
{
    /// <summary>Runs <c>layerprobe ARGS</c> to the end: exit code, stdout, stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var child = ChildCli.Run(TimeSpan.FromMinutes(5), args);
        return (child.ExitCode, child.Output, child.Errors);
    }

    /// <summary>The non-empty stderr lines.</summary>
    public static string[] ErrorLines(string err) =>
        err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
