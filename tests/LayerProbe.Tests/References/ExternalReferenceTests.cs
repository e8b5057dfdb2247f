using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace LayerProbe.Tests.References;

/// <summary>
/// "Works on a fresh Debian 12" is checked, not assumed: the test sources use no program, Python module or system path
/// that <see cref="ExternalReferences"/> does not list; <c>scripts/setup.sh --tests</c> installs every package the list
/// names; and on CI (CI=true) every listed reference is present — where a test needing a missing one would otherwise
/// have been skipped.
/// </summary>
public partial class ExternalReferenceTests(ITestOutputHelper output)
{
    static readonly string Root = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LayerProbe.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no LayerProbe.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>Every test source, C# and Python (bin/obj excluded), with its text.</summary>
    static IEnumerable<(string File, string Text)> Sources() =>
        Directory.EnumerateFiles(Path.Combine(Root, "tests"), "*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".py", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}"))
            .Order(StringComparer.Ordinal).Select(f => (Path.GetRelativePath(Root, f), File.ReadAllText(f)));

    /// <summary>Sources outside this folder (the registry's own probe script and patterns are not uses).</summary>
    static IEnumerable<(string File, string Text)> Users() =>
        Sources().Where(s => !s.File.Contains($"{Path.DirectorySeparatorChar}References{Path.DirectorySeparatorChar}"));

    static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    // A Python import line inside a C# string: at a line start, or after a quote, ';' or an escaped newline.
    [GeneratedRegex(@"(?m)(?:^[ \t]*|[""';][ \t]*|\\n[ \t]*)(?:import[ \t]+(?<list>[A-Za-z_][\w., \t]*)|from[ \t]+(?<from>[A-Za-z_][\w.]*)[ \t]+import\b)")]
    private static partial Regex PythonImport();

    /// <summary>Python modules imported in <paramref name="sources"/> that the registry does not list, and how many imports were seen.</summary>
    static (List<string> Unlisted, int Found) UnlistedImports(IEnumerable<(string File, string Text)> sources)
    {
        var registered = ExternalReferences.All.Where(r => r.Kind == ReferenceKind.PythonModule).Select(r => r.Name).ToArray();
        var unlisted = new List<string>();
        int found = 0;
        foreach (var (file, text) in sources)
            foreach (Match m in PythonImport().Matches(text))
            {
                var modules = m.Groups["from"].Success ? [m.Groups["from"].Value]
                    : m.Groups["list"].Value.Split(',').Select(part => part.Trim().Split([' ', '\t'])[0]).Where(n => n.Length > 0);
                foreach (var module in modules)
                {
                    found++;
                    if (!registered.Any(r => module == r || module.StartsWith(r + ".", StringComparison.Ordinal)))
                        unlisted.Add($"{file}:{LineOf(text, m.Index)}: python module '{module}'");
                }
            }
        return (unlisted, found);
    }

    [Fact]
    public void Test_sources_import_only_registered_python_modules()
    {
        var (unlisted, found) = UnlistedImports(Users());
        output.WriteLine($"{found} python imports in the test sources");
        Assert.True(found > 0, "the scan found no python import at all: its pattern no longer matches how the tests embed scripts");
        Assert.True(unlisted.Count == 0, "not in tests/LayerProbe.Tests/References/ExternalReferences.cs (add it with its Debian package, and the package to scripts/setup.sh):\n" + string.Join("\n", unlisted));
    }

    // The program argument of `new ProcessStartInfo(x, …)`, `Process.Start(x, …)` or `FileName = x`.
    [GeneratedRegex(@"new\s+ProcessStartInfo\s*\(\s*(?<arg>[^,)]+)|Process\.Start\s*\(\s*(?<arg>[^,()]+),|FileName\s*=\s*(?<arg>[^,;}\r\n]+)")]
    private static partial Regex ProcessStart();

    /// <summary>Process starts in <paramref name="sources"/> whose program is unregistered or cannot be told, and how many were seen.</summary>
    static (List<string> Problems, int Found) UnlistedPrograms(IEnumerable<(string File, string Text)> sources, IReadOnlyList<(string File, string Text)> definitions)
    {
        var problems = new List<string>();
        int found = 0;
        foreach (var (file, text) in sources)
            foreach (Match m in ProcessStart().Matches(text))
            {
                found++;
                string arg = m.Groups["arg"].Value.Trim(), where = $"{file}:{LineOf(text, m.Index)}";
                if (Regex.Match(arg, @"ExternalReferences\.Get\(""(?<n>[^""]+)""") is { Success: true } byName) // the argument pattern stops at the first ")"
                {
                    if (!ExternalReferences.All.Any(r => r.Name == byName.Groups["n"].Value)) problems.Add($"{where}: '{byName.Groups["n"].Value}' is not registered");
                    continue;
                }
                var program = Resolve(arg, definitions);
                if (program is null) problems.Add($"{where}: cannot tell which program `{arg}` is (name it with a string literal or a constant, or use ExternalReferences.Get(\"name\").Locate())");
                else if (!ExternalReferences.All.Any(r => r.Kind == ReferenceKind.Program && (r.Name == program || Path.GetFileName(r.Name) == Path.GetFileName(program))))
                    problems.Add($"{where}: program '{program}' is not in ExternalReferences.All");
            }
        return (problems, found);
    }

    [Fact]
    public void Test_sources_start_only_registered_programs()
    {
        var (problems, found) = UnlistedPrograms(Users(), Sources().ToArray());
        output.WriteLine($"{found} process starts in the test sources");
        Assert.True(found > 0, "the scan found no process start at all: its pattern no longer matches how the tests start programs");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_scans_report_what_the_registry_lacks()
    {
        (string, string)[] source =
        [
            ("t.cs", "const string Script = \"\"\"\n    import sys, pandas as pd\n    from statsmodels.api import OLS\n    import numpy.linalg\n    \"\"\";\n" +
                     "var a = new ProcessStartInfo(\"/usr/bin/gnuplot\", args); var b = new ProcessStartInfo(Tool, args); const string Tool = \"liblinear-train\";\n" +
                     "var c = Process.Start(someVariable, args); var d = new ProcessStartInfo { FileName = \"Rscript\" };"),
        ];
        var (imports, found) = UnlistedImports(source);
        Assert.Equal(4, found);
        Assert.Equal(["t.cs:2: python module 'pandas'", "t.cs:3: python module 'statsmodels.api'"], imports);
        var (programs, starts) = UnlistedPrograms(source, source);
        Assert.Equal(4, starts);
        Assert.Equal(3, programs.Count);
        Assert.Contains("gnuplot", programs[0]);
        Assert.Contains("cannot tell which program `someVariable`", programs[1]);
        Assert.Contains("Rscript", programs[2]);
    }

    /// <summary>A string literal, or an identifier whose string constant is defined in some test source.</summary>
    static string? Resolve(string arg, IReadOnlyList<(string File, string Text)> sources)
    {
        if (Regex.Match(arg, @"^""(?<v>[^""]*)""$") is { Success: true } literal) return literal.Groups["v"].Value;
        if (!Regex.IsMatch(arg, @"^[A-Za-z_][\w.]*$")) return null;
        string name = arg.Split('.')[^1];
        foreach (var (_, text) in sources)
            if (Regex.Match(text, $@"\b{Regex.Escape(name)}\s*(?:\{{\s*get;\s*\}}\s*)?=\s*""(?<v>[^""]*)""") is { Success: true } m)
                return m.Groups["v"].Value;
        return null;
    }

    [GeneratedRegex(@"""(?<p>/(?:usr|opt|etc|var/lib)/[^""]*)""")]
    private static partial Regex SystemPath();

    [Fact]
    public void Test_sources_read_only_registered_system_paths()
    {
        var problems = new List<string>();
        foreach (var (file, text) in Users())
            foreach (Match m in SystemPath().Matches(text))
            {
                var path = m.Groups["p"].Value;
                if (!ExternalReferences.All.Any(r => r.Kind != ReferenceKind.PythonModule && (path == r.Name || path.StartsWith(r.Name.TrimEnd('/') + "/", StringComparison.Ordinal))))
                    problems.Add($"{file}:{LineOf(text, m.Index)}: '{path}' is under no registered reference");
            }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [GeneratedRegex(@"(?m)^(?<set>\w+)_packages=\((?<list>[^)]*)\)")]
    private static partial Regex SetupPackages();

    [Fact]
    public void Setup_installs_every_registered_package()
    {
        var setup = File.ReadAllText(Path.Combine(Root, "scripts", "setup.sh"));
        var sets = SetupPackages().Matches(setup).ToDictionary(m => m.Groups["set"].Value,
            m => m.Groups["list"].Value.Split((char[])[' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).ToHashSet());
        Assert.True(sets.ContainsKey("demo") && sets.ContainsKey("test"), "scripts/setup.sh no longer defines demo_packages=(…) and test_packages=(…)");
        var installed = sets["demo"].Union(sets["test"]).ToHashSet();
        var missing = ExternalReferences.All.Where(r => r.Package is not null && !installed.Contains(r.Package))
            .Select(r => $"{r.Package} (for {r.Name})").Distinct().ToArray();
        Assert.True(missing.Length == 0, "scripts/setup.sh --tests does not install: " + string.Join(", ", missing));
        Assert.Contains("dataset-fashion-mnist", sets["demo"]);
    }

    [CiFact]
    public void Every_registered_reference_is_present_on_ci()
    {
        var missing = ExternalReference.Missing(ExternalReferences.All).Select(r => $"{r.Name} ({r.Remedy})").ToArray();
        Assert.True(missing.Length == 0, "CI=true and missing: " + string.Join(", ", missing));
    }
}

/// <summary>A fact that runs only when CI=true (where a missing reference is a setup failure, not a reason to skip).</summary>
public sealed class CiFactAttribute : FactAttribute
{
    /// <summary>Skipped off CI.</summary>
    public CiFactAttribute() { if (!ExternalReferences.OnCi) Skip = "runs only when CI=true (elsewhere tests needing a missing reference skip with its package named)"; }
}
