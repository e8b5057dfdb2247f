using LayerProbe.Reports;

namespace LayerProbe.Analyses;

/// <summary>
/// The output directory of one analysis run: writes tables (Markdown/CSV/JSON) and plots (PNG/SVG), remembers every
/// file written, and finishes with a <c>manifest.json</c> listing settings, inputs and output hashes.
/// </summary>
public sealed class AnalysisOutput(string directory)
{
    readonly List<string> _files = [];

    /// <summary>Directory written to.</summary>
    public string Directory { get; } = directory;
    /// <summary>Files written so far, relative to <see cref="Directory"/>.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>Writes a table as <c>{stem}.md/.csv/.json</c>.</summary>
    public void Table(ResultTable table, string stem)
    {
        System.IO.Directory.CreateDirectory(Directory);
        _files.AddRange(TableWriters.WriteAll(table, Directory, stem));
    }

    /// <summary>Writes a plot through <paramref name="draw"/> (given the path stem) as <c>{stem}.png/.svg</c>.</summary>
    public void Plot(string stem, Action<string> draw)
    {
        draw(Path.Combine(Directory, stem));
        _files.AddRange([stem + ".png", stem + ".svg"]);
    }

    /// <summary>Writes <c>manifest.json</c> for task <paramref name="task"/>.</summary>
    public Manifest WriteManifest(string task, Dictionary<string, object?> settings, Dictionary<string, string>? inputs = null,
        Dictionary<string, double>? measurements = null)
    {
        var manifest = new Manifest
        {
            Task = task,
            Settings = settings,
            Inputs = inputs ?? [],
            Measurements = measurements ?? [],
        }.WithOutputs(Directory, _files);
        manifest.Write(Path.Combine(Directory, "manifest.json"));
        return manifest;
    }
}
