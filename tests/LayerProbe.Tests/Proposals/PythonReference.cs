using System.Diagnostics;

namespace LayerProbe.Tests.Proposals;

/// <summary>Runs Debian's /usr/bin/python3 with a script; probes modules once (scipy for MAT files, cv2 for selective search).</summary>
static class PythonReference
{
    public const string Python = References.ExternalReference.Python;

    /// <summary>Why scipy cannot be used here, or null (never a reason on CI: see ExternalReferences).</summary>
    public static string? ScipyUnavailable { get; } = Needs("scipy", "numpy");
    /// <summary>Why cv2 (with ximgproc, which Debian's python3-opencv includes) cannot be used here, or null.</summary>
    public static string? OpenCvUnavailable { get; } = Needs("cv2", "numpy");

    /// <summary>Why numpy cannot be used here, or null.</summary>
    public static string? NumpyUnavailable { get; } = Needs("numpy");

    static string? Needs(params string[] modules) =>
        References.ExternalReference.SkipReason([References.ExternalReferences.Get(Python), .. modules.Select(References.ExternalReferences.Get)]);

    /// <summary>
    /// Runs <paramref name="script"/> with <paramref name="stdin"/> as its standard input; returns null on success, else
    /// its stderr. Standard output goes to <paramref name="stdout"/>.
    /// </summary>
    public static string? Run(string script, List<string>? stdout = null, string stdin = "")
    {
        var info = new ProcessStartInfo(Python, ["-c", script]) { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true };
        using var p = Process.Start(info)!;
        var errTask = p.StandardError.ReadToEndAsync();
        var inTask = Task.Run(() => { p.StandardInput.Write(stdin); p.StandardInput.Close(); });
        string? line;
        while ((line = p.StandardOutput.ReadLine()) is not null) stdout?.Add(line);
        p.WaitForExit();
        inTask.Wait();
        return p.ExitCode == 0 ? null : errTask.Result;
    }

    /// <summary>Runs and fails the test with Python's error text when the script fails.</summary>
    public static List<string> RunOrFail(string script, string stdin = "")
    {
        var lines = new List<string>();
        if (Run(script, lines, stdin) is { } error) throw new InvalidOperationException($"python3 failed:\n{error}");
        return lines;
    }
}

/// <summary>Skipped, with the reason, when Debian's python3-scipy is unavailable.</summary>
sealed class ScipyFactAttribute : FactAttribute
{
    public ScipyFactAttribute() { if (PythonReference.ScipyUnavailable is { } why) Skip = why; }
}

/// <summary>A theory skipped, with the reason, when Debian's python3-numpy is unavailable.</summary>
sealed class NumpyTheoryAttribute : TheoryAttribute
{
    public NumpyTheoryAttribute() { if (PythonReference.NumpyUnavailable is { } why) Skip = why; }
}

/// <summary>Skipped, with the reason, when Debian's python3-opencv (cv2.ximgproc) is unavailable.</summary>
sealed class OpenCvPythonFactAttribute : FactAttribute
{
    public OpenCvPythonFactAttribute() { if (PythonReference.OpenCvUnavailable is { } why) Skip = why; }
}
