namespace LayerProbe.Features;

/// <summary>
/// File names inside one store directory. The <em>store files</em> proper — byte-identical however often extraction
/// was interrupted — are <see cref="Matrix"/> and <see cref="Ids"/>; the others are bookkeeping.
/// </summary>
public static class FeatureStoreFiles
{
    /// <summary>Header + row-major matrix.</summary>
    public const string Matrix = "features.lpfm";
    /// <summary>One item id per line (UTF-8, '\n'), row order.</summary>
    public const string Ids = "ids.txt";
    /// <summary>How many rows (and id bytes) are durable; replaced atomically after each chunk.</summary>
    public const string Commit = "committed";
    /// <summary>JSON manifest.</summary>
    public const string Manifest = "manifest.json";
    /// <summary>Written last, by rename, when every row is durable.</summary>
    public const string Complete = "complete";
    /// <summary>Locked (flock) by the one process writing the store; holds its pid (<see cref="StoreWriteLock"/>).</summary>
    public const string WriteLock = "writer.lock";
    /// <summary>Optional NumPy export of the matrix.</summary>
    public const string Npy = "features.npy";

    /// <summary>True when the store in <paramref name="directory"/> is finished.</summary>
    public static bool IsComplete(string directory) => File.Exists(Path.Combine(directory, Complete));
}
