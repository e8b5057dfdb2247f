using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LayerProbe.Training;

/// <summary>
/// A snapshot as one set: <c>{stem}.onnx</c> (weights), <c>{stem}.solverstate</c> (momentum, iteration) and
/// <c>{stem}.json</c> (manifest). Each file is written atomically, in that order; the manifest, written last, records
/// the SHA-256 of the other two and so is the set's commit record. A set is complete when its manifest exists and both
/// hashes match the files beside it: a kill between the files leaves a torn set (no manifest, or a manifest of an
/// earlier run whose hashes no longer match) that readers skip, and the previous set stays usable.
/// </summary>
public static partial class SnapshotSet
{
    /// <summary>
    /// Environment variable naming a point of <see cref="Write"/> at which the process stops and waits to be killed, so
    /// fault tests can kill between a set's files deterministically: <c>onnx-written</c> or <c>solverstate-written</c>,
    /// optionally <c>@STEM</c> (e.g. <c>solverstate-written@snapshot_iter_4</c>) for one snapshot only.
    /// </summary>
    public const string PauseVariable = "LAYERPROBE_PAUSE_IN_SNAPSHOT";

    [GeneratedRegex(@"_iter_(\d+)\.onnx$")]
    private static partial Regex OnnxName();

    /// <summary>Writes the set: ONNX bytes, solver state, then the manifest with both hashes (the commit).</summary>
    public static void Write(string onnxPath, byte[] onnx, SolverState state, Reports.Manifest manifest)
    {
        string stem = Path.GetFileNameWithoutExtension(onnxPath);
        AtomicFile.WriteBytes(onnxPath, onnx);
        PauseIfAsked("onnx-written", stem);
        state.Write(SolverState.PathFor(onnxPath));
        PauseIfAsked("solverstate-written", stem);
        string dir = Path.GetDirectoryName(Path.GetFullPath(onnxPath))!;
        manifest.WithOutputs(dir, [Path.GetFileName(onnxPath), Path.GetFileName(SolverState.PathFor(onnxPath))])
            .Write(ManifestPath(onnxPath));
    }

    /// <summary>The manifest (commit record) of the set of <paramref name="onnxPath"/>.</summary>
    public static string ManifestPath(string onnxPath) => Path.ChangeExtension(onnxPath, ".json");

    /// <summary>Null when the set of <paramref name="onnxPath"/> is complete, else what is wrong with it.</summary>
    public static string? Problem(string onnxPath)
    {
        string manifest = ManifestPath(onnxPath);
        if (!File.Exists(onnxPath)) return "no such snapshot";
        if (!File.Exists(manifest)) return $"torn snapshot: {Path.GetFileName(manifest)}, written last, is missing";
        Dictionary<string, string>? outputs;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
            outputs = json.RootElement.TryGetProperty("outputs", out var o) ? o.Deserialize<Dictionary<string, string>>() : null;
        }
        catch (JsonException) { return $"torn snapshot: {Path.GetFileName(manifest)} is not a manifest"; }
        foreach (var file in new[] { onnxPath, SolverState.PathFor(onnxPath) })
        {
            string name = Path.GetFileName(file);
            if (outputs is null || !outputs.TryGetValue(name, out var expected)) return $"torn snapshot: {Path.GetFileName(manifest)} does not list {name}";
            if (!File.Exists(file)) return $"torn snapshot: {name} is missing";
            using var stream = File.OpenRead(file);
            if (Convert.ToHexStringLower(SHA256.HashData(stream)) != expected)
                return $"torn snapshot: {name} is not the file {Path.GetFileName(manifest)} committed (a later write was interrupted)";
        }
        return null;
    }

    /// <summary>Complete sets of <paramref name="directory"/> as (iteration, ONNX path), in iteration order; torn ones are left out.</summary>
    public static IReadOnlyList<(int Iteration, string Onnx)> Complete(string directory) =>
        Directory.GetFiles(directory, "*.onnx")
            .Select(f => (File: f, Match: OnnxName().Match(Path.GetFileName(f))))
            .Where(f => f.Match.Success && Problem(f.File) is null)
            .Select(f => (int.Parse(f.Match.Groups[1].Value, CultureInfo.InvariantCulture), f.File))
            .OrderBy(f => f.Item1).ToList();

    /// <summary>
    /// What <c>--resume</c> names: a folder gives its newest complete set; a snapshot file must be a complete set.
    /// Returns the ONNX path.
    /// </summary>
    public static string ForResume(string path)
    {
        if (Directory.Exists(path))
        {
            var sets = Complete(path);
            if (sets.Count == 0) throw LayerProbeException.For(path, "no complete snapshot set (*_iter_N.onnx with its .solverstate and .json) to resume from");
            return sets[^1].Onnx;
        }
        if (Problem(path) is { } problem)
            throw LayerProbeException.For(path, problem + (File.Exists(path) ? $"; --resume {Path.GetDirectoryName(Path.GetFullPath(path))} takes the newest complete set" : ""));
        return path;
    }

    static void PauseIfAsked(string point, string stem)
    {
        string? asked = Environment.GetEnvironmentVariable(PauseVariable);
        if (asked != point && asked != $"{point}@{stem}") return;
        Console.Error.WriteLine($"layerprobe: paused in snapshot {stem} after {point} ({PauseVariable})");
        Console.Error.Flush();
        Thread.Sleep(Timeout.Infinite);
    }
}
