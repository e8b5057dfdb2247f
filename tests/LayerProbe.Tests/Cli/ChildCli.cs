using System.Diagnostics;
using System.Text;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// The built <c>layerprobe</c> CLI (the copy in the test output folder) as a real child process, so that tests can
/// SIGKILL it, run two at once, or read while it writes. Progress is plain lines (CI=true).
/// </summary>
public sealed class ChildCli : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _out = new(), _err = new();
    readonly TaskCompletionSource _outDone = new(), _errDone = new();

    ChildCli(IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "layerprobe.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["CI"] = "true";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is null) _outDone.TrySetResult(); else lock (_out) _out.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is null) _errDone.TrySetResult(); else lock (_err) _err.AppendLine(e.Data); };
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        Started = DateTime.UtcNow;
    }

    /// <summary>Starts <c>layerprobe ARGS</c>.</summary>
    public static ChildCli Start(params string[] args) => new(args, null);

    /// <summary>Starts <c>layerprobe ARGS</c> with extra environment variables.</summary>
    public static ChildCli Start(IReadOnlyList<string> args, IReadOnlyDictionary<string, string> environment) => new(args, environment);

    /// <summary>Runs <c>layerprobe ARGS</c> to its end (failing the test after <paramref name="timeout"/>).</summary>
    public static ChildCli Run(TimeSpan timeout, params string[] args)
    {
        var child = new ChildCli(args, null);
        Assert.True(child.WaitForExit(timeout), $"layerprobe {string.Join(' ', args)} did not end within {timeout}");
        return child;
    }

    /// <summary>When it was started.</summary>
    public DateTime Started { get; }
    /// <summary>Its process id.</summary>
    public int Id => _process.Id;
    /// <summary>Whether it has ended.</summary>
    public bool HasExited => _process.HasExited;
    /// <summary>Its exit code (after it ended).</summary>
    public int ExitCode => _process.ExitCode;
    /// <summary>Standard output so far.</summary>
    public string Output { get { lock (_out) return _out.ToString(); } }
    /// <summary>Standard error so far.</summary>
    public string Errors { get { lock (_err) return _err.ToString(); } }

    /// <summary>Waits for the end and for both streams to be read to their end.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return false;
        return Task.WaitAll([_outDone.Task, _errDone.Task], TimeSpan.FromSeconds(10));
    }

    /// <summary>Waits until <paramref name="done"/> holds or the process ended; true when it held.</summary>
    public bool WaitUntil(Func<bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (done()) return true;
            if (_process.HasExited) return done();
            Thread.Sleep(10);
        }
        return false;
    }

    /// <summary>SIGKILL (no cleanup of any kind runs in the child), then waits for it to be gone.</summary>
    public void Kill()
    {
        try { _process.Kill(entireProcessTree: false); } catch (InvalidOperationException) { } // already ended
        _process.WaitForExit();
    }

    /// <summary>SIGSTOP: the process is frozen where it is, holding whatever it holds (locks, half-written files).</summary>
    /// <remarks>kill() returns before the child has stopped: a thread on another core runs on until the signal is
    /// handled, so this waits until every thread of the child shows state T (stopped) in /proc, or it has exited.</remarks>
    public void Pause()
    {
        Signal(19);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!_process.HasExited && !AllThreadsStopped(_process.Id))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"PID {_process.Id} did not stop within 30 s of SIGSTOP");
            Thread.Sleep(5);
        }
    }

    static bool AllThreadsStopped(int pid)
    {
        try
        {
            foreach (var task in Directory.GetDirectories($"/proc/{pid}/task"))
            {
                string stat;
                try { stat = File.ReadAllText(Path.Combine(task, "stat")); }
                catch (IOException) { continue; } // a thread that ended meanwhile
                char state = stat[(stat.LastIndexOf(')') + 2)..][0];
                if (state is not ('T' or 't' or 'Z' or 'X')) return false;
            }
            return true;
        }
        catch (DirectoryNotFoundException) { return true; } // exited
    }

    /// <summary>SIGCONT after <see cref="Pause"/>.</summary>
    public void Resume() => Signal(18);

    void Signal(int signal)
    {
        if (!_process.HasExited) Assert.Equal(0, kill(_process.Id, signal));
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    static extern int kill(int pid, int signal);

    /// <summary>One summary line for failure messages.</summary>
    public override string ToString() => $"exit {(_process.HasExited ? ExitCode : -1)}; stdout: {Output}; stderr: {Errors}";

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
