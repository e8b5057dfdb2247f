using System.Globalization;
using System.Text.RegularExpressions;
using LayerProbe.Networks;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>One snapshot of a training run: its iteration and ONNX network.</summary>
public sealed record Snapshot(int Iteration, OnnxNetwork Network);

/// <summary>
/// The snapshots <c>{prefix}_iter_{N}.onnx</c> that <c>layerprobe train</c> writes into its output folder, in
/// iteration order; torn sets (see <see cref="SnapshotSet"/>) are left out. All must come from one run: same input shape
/// and classifier width.
/// </summary>
public static partial class SnapshotFolder
{
    [GeneratedRegex(@"_iter_(\d+)\.onnx$")]
    private static partial Regex SnapshotName();

    /// <summary>Reads every snapshot of <paramref name="directory"/>; a missing folder, no snapshots or a mixed folder is one clear line.</summary>
    public static IReadOnlyList<Snapshot> Read(string directory)
    {
        if (!Directory.Exists(directory)) throw LayerProbeException.For(directory, "no such training folder");
        var files = SnapshotSet.Complete(directory).Select(s => (File: s.Onnx, s.Iteration)).ToList();
        if (files.Count == 0)
            throw LayerProbeException.For(directory, Directory.GetFiles(directory, "*_iter_*.onnx").Length == 0
                ? "no snapshots (*_iter_N.onnx, as written by layerprobe train)"
                : "no complete snapshot set (*_iter_N.onnx with the .solverstate and .json layerprobe train commits it with)");
        var duplicate = files.GroupBy(f => f.Iteration).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw LayerProbeException.For(directory, $"two snapshots of iteration {duplicate.Key} ({string.Join(", ", duplicate.Select(d => Path.GetFileName(d.File)))}); keep one run per folder");
        var snapshots = files.Select(f => new Snapshot(f.Iteration, OnnxNetwork.Load(f.File))).ToList();
        CheckSameRun(snapshots);
        return snapshots;
    }

    /// <summary>One snapshot file; its iteration comes from the name <c>…_iter_N.onnx</c>.</summary>
    public static Snapshot ReadOne(string path)
    {
        var match = SnapshotName().Match(Path.GetFileName(path));
        if (!match.Success) throw LayerProbeException.For(path, "not a snapshot name (expected …_iter_N.onnx, as written by layerprobe train)");
        return new Snapshot(int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), OnnxNetwork.Load(path));
    }

    /// <summary>Snapshots of one run share the input shape and the classifier width.</summary>
    public static void CheckSameRun(IReadOnlyList<Snapshot> snapshots)
    {
        var first = snapshots[0].Network;
        int classes = ClassifierLayer.Find(first.Model, "fc8", first.Path).Classes;
        foreach (var s in snapshots.Skip(1))
        {
            if (!s.Network.InputShape.SequenceEqual(first.InputShape))
                throw LayerProbeException.For(s.Network.Path, $"input [{string.Join(",", s.Network.InputShape)}] differs from [{string.Join(",", first.InputShape)}] of {Path.GetFileName(first.Path)}; snapshots must come from one run");
            int c = ClassifierLayer.Find(s.Network.Model, "fc8", s.Network.Path).Classes;
            if (c != classes)
                throw LayerProbeException.For(s.Network.Path, $"fc8 has {c} classes but {Path.GetFileName(first.Path)} has {classes}; snapshots must come from one run");
        }
    }
}
