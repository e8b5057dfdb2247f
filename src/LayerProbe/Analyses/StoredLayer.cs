using LayerProbe.Features;
using LayerProbe.Features.Transforms;

namespace LayerProbe.Analyses;

/// <summary>
/// A complete feature store opened for an analysis: its rows (memory-mapped), per-item shape, item ids and a display
/// name (<c>NAME=DIR</c> on the command line, else the store's layer alias). Dispose to unmap.
/// </summary>
public sealed class StoredLayer : IDisposable
{
    readonly FeatureMatrix _matrix;

    StoredLayer(string name, string directory, FeatureMatrix matrix)
    {
        (Name, Directory, _matrix) = (name, directory, matrix);
        Rows = new StoredFeatureRows(matrix);
        Shape = new FeatureShape(matrix.Header.Channels, matrix.Header.Height, matrix.Header.Width);
    }

    /// <summary>Display name.</summary>
    public string Name { get; }
    /// <summary>Store directory.</summary>
    public string Directory { get; }
    /// <summary>Rows.</summary>
    public StoredFeatureRows Rows { get; }
    /// <summary>Per-item shape C×H×W.</summary>
    public FeatureShape Shape { get; }
    /// <summary>Item ids in row order.</summary>
    public IReadOnlyList<string> Ids => Rows.Ids;

    /// <summary>
    /// Opens <c>DIR</c> or <c>NAME=DIR</c>; the name defaults to the manifest's layer alias. Every value is checked
    /// (<see cref="StoredFeatureChecks.AllFinite"/>) before any analysis reads it.
    /// </summary>
    public static StoredLayer Open(string specification)
    {
        int eq = specification.IndexOf('=');
        string dir = eq < 0 ? specification : specification[(eq + 1)..];
        if (!System.IO.Directory.Exists(dir)) throw LayerProbeException.For(dir, "no such feature store directory");
        string? name = eq < 0 ? null : specification[..eq];
        var manifestPath = Path.Combine(dir, FeatureStoreFiles.Manifest);
        name ??= File.Exists(manifestPath) ? FeatureManifest.Read(manifestPath).LayerAlias : Path.GetFileName(Path.TrimEndingDirectorySeparator(dir));
        var layer = new StoredLayer(name, dir, FeatureMatrix.Open(dir));
        try { StoredFeatureChecks.AllFinite(layer.Rows, dir); }
        catch { layer.Dispose(); throw; }
        return layer;
    }

    /// <summary>Input identity for manifests.</summary>
    public string Identity => $"{Path.GetFullPath(Directory)} ({Rows.Count} × {Shape})";

    /// <inheritdoc/>
    public void Dispose() => _matrix.Dispose();
}
