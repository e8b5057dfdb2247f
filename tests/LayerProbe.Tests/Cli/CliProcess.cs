using System.Diagnostics;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// Runs the built <c>layerprobe</c> CLI as a child process (<c>dotnet layerprobe.dll</c> from the test's output folder),
/// so exit codes, stderr lines and kills are those a user sees, not those of an in-process call.
/// </summary>
static class CliProcess
{
    /// <summary>A started child with its stdout/stderr collected.</summary>
    public sealed class Child(Process process) : IDisposable
    {
        readonly System.Text.StringBuilder _out = new(), _err = new();
        readonly Lock _lock = new();
        public Process Process { get; } = process;
        public string Out { get { lock (_lock) return _out.ToString(); } }
        public string Err { get { lock (_lock) return _err.ToString(); } }
        internal void Collect()
        {
            Process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _out.AppendLine(e.Data); };
            Process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _err.AppendLine(e.Data); };
            Process.BeginOutputReadLine();
            Process.BeginErrorReadLine();
        }

        /// <summary>Waits until stderr contains <paramref name="text"/> (or the child exits / time runs out).</summary>
        public bool WaitForError(string text, TimeSpan timeout)
        {
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < timeout)
            {
                if (Err.Contains(text)) return true;
                if (Process.HasExited) return Err.Contains(text);
                Thread.Sleep(50);
            }
            return false;
        }

        public void Dispose()
        {
            if (!Process.HasExited) Process.Kill(entireProcessTree: true);
            Process.Dispose();
        }
    }

    /// <summary>Starts <c>layerprobe ARGS</c> with extra environment variables.</summary>
    public static Child Start(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "layerprobe.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "true"; // plain progress lines
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) info.Environment[k] = v;
        var child = new Child(Process.Start(info)!);
        child.Collect();
        return child;
    }

    /// <summary>Runs <c>layerprobe ARGS</c> to the end: exit code, stdout, stderr.</summary>
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var child = Start(args);
        if (!child.Process.WaitForExit(TimeSpan.FromMinutes(5))) throw new TimeoutException($"layerprobe {string.Join(' ', args)} did not finish");
        child.Process.WaitForExit(); // flushes the redirected streams
        return (child.Process.ExitCode, child.Out, child.Err);
    }

    /// <summary>The stderr lines that are not progress lines.</summary>
    public static string[] ErrorLines(string err) =>
        err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
