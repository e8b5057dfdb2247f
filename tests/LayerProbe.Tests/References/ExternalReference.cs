using System.Collections.Concurrent;
using System.Diagnostics;

namespace LayerProbe.Tests.References;

/// <summary>What kind of thing outside the repository a test uses.</summary>
public enum ReferenceKind
{
    /// <summary>A Python module imported by a script the test runs with Debian's <c>/usr/bin/python3</c>.</summary>
    PythonModule,
    /// <summary>A program the test starts (looked up on PATH, /usr/sbin and /sbin, or at an absolute path).</summary>
    Program,
    /// <summary>A file or folder the test reads (data sets, example annotations, native libraries).</summary>
    Path,
}

/// <summary>
/// One independent reference the tests use, with the Debian package that provides it (null: not a Debian package — the
/// .NET SDK, which the README requires). <c>scripts/setup.sh --tests</c> must install every package named here; a
/// test checks that, and another that the test sources use nothing unlisted.
/// </summary>
/// <param name="Name">Import name (<c>google.protobuf</c>), program name (<c>liblinear-train</c>) or absolute path.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Package">The Debian package providing it.</param>
public sealed record ExternalReference(string Name, ReferenceKind Kind, string? Package)
{
    /// <summary>Debian's interpreter; the tests never use a python3 from PATH (it may be another installation).</summary>
    public const string Python = "/usr/bin/python3";

    static readonly ConcurrentDictionary<string, bool> PythonModules = new();

    /// <summary>Where the program is, or the path itself when it exists; null when missing.</summary>
    public string? Locate() => Kind switch
    {
        ReferenceKind.Program when Name.StartsWith('/') => File.Exists(Name) ? Name : null,
        ReferenceKind.Program => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Concat(["/usr/sbin", "/sbin"])
            .Where(d => d.Length > 0).Select(d => System.IO.Path.Combine(d, Name)).FirstOrDefault(File.Exists),
        ReferenceKind.Path => File.Exists(Name) || Directory.Exists(Name) ? Name : null,
        _ => Imports([this]) ? Python : null,
    };

    /// <summary>True when present on this machine.</summary>
    public bool IsPresent => Locate() is not null;

    /// <summary>How to get it, for skip reasons and failures.</summary>
    public string Remedy => Package is null ? "see README set-up" : $"Debian package {Package}: bash scripts/setup.sh --tests";

    /// <summary>True when Debian's python3 imports every module in <paramref name="modules"/> (one interpreter run, cached).</summary>
    static bool Imports(IReadOnlyList<ExternalReference> modules)
    {
        var unknown = modules.Where(m => !PythonModules.ContainsKey(m.Name)).Select(m => m.Name).ToArray();
        if (unknown.Length > 0)
        {
            var failed = new HashSet<string>(unknown);
            if (File.Exists(Python))
            {
                const string script = "import importlib, sys\nfor m in sys.argv[1:]:\n    try: importlib.import_module(m); print(m)\n    except Exception: pass\n";
                try
                {
                    using var p = Process.Start(new ProcessStartInfo(Python, ["-c", script, .. unknown]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
                    _ = p.StandardError.ReadToEndAsync();
                    foreach (var line in p.StandardOutput.ReadToEnd().Split('\n')) failed.Remove(line.Trim());
                    p.WaitForExit();
                }
                catch (System.ComponentModel.Win32Exception) { }
            }
            foreach (var m in unknown) PythonModules[m] = !failed.Contains(m);
        }
        return modules.All(m => PythonModules[m.Name]);
    }

    /// <summary>
    /// Why a test needing <paramref name="references"/> cannot run here, or null when it can. With <c>CI=true</c> this is
    /// always null: on CI a missing reference must fail the run (setup did not provide it), never skip quietly.
    /// </summary>
    public static string? SkipReason(params ExternalReference[] references)
    {
        if (ExternalReferences.OnCi) return null;
        var missing = Missing(references);
        return missing.Count == 0 ? null : "missing " + string.Join(", ", missing.Select(m => $"{m.Name} ({m.Remedy})"));
    }

    /// <summary>Those of <paramref name="references"/> not present here (Python modules probed in one interpreter run).</summary>
    public static IReadOnlyList<ExternalReference> Missing(IEnumerable<ExternalReference> references)
    {
        var list = references.ToList();
        Imports([.. list.Where(r => r.Kind == ReferenceKind.PythonModule)]);
        return [.. list.Where(r => !r.IsPresent)];
    }
}

/// <summary>A fact skipped, with the missing reference and its package named, unless every reference is present (never skipped on CI).</summary>
public sealed class NeedsFactAttribute : FactAttribute
{
    /// <summary>References by <see cref="ExternalReference.Name"/>, as listed in <see cref="ExternalReferences.All"/>.</summary>
    public NeedsFactAttribute(params string[] names) { if (ExternalReference.SkipReason([.. names.Select(ExternalReferences.Get)]) is { } why) Skip = why; }
}

/// <summary>A theory skipped like <see cref="NeedsFactAttribute"/>.</summary>
public sealed class NeedsTheoryAttribute : TheoryAttribute
{
    /// <summary>References by <see cref="ExternalReference.Name"/>, as listed in <see cref="ExternalReferences.All"/>.</summary>
    public NeedsTheoryAttribute(params string[] names) { if (ExternalReference.SkipReason([.. names.Select(ExternalReferences.Get)]) is { } why) Skip = why; }
}
