using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LayerProbe.Data;

/// <summary>
/// Builds item-set fingerprints: a SHA-256 over the set's name, ids, regions and the size and modification time of
/// every file it reads, so any change of content changes the fingerprint.
/// </summary>
public sealed class Fingerprints
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Adds a text field.</summary>
    public Fingerprints Add(string text)
    {
        _hash.AppendData(Encoding.UTF8.GetBytes(text));
        _hash.AppendData([0]);
        return this;
    }

    /// <summary>Adds a region (or "whole image").</summary>
    public Fingerprints Add(PixelBox? region) =>
        Add(region is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b.X1},{b.Y1},{b.X2},{b.Y2}") : "whole");

    /// <summary>Adds a file's path, size and last write time; a missing file is an error naming it.</summary>
    public Fingerprints AddFile(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists) throw LayerProbeException.For(path, "file not found");
        return Add(path).Add(info.Length.ToString(CultureInfo.InvariantCulture)).Add(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The fingerprint as lowercase hex.</summary>
    public string Finish() => Convert.ToHexStringLower(_hash.GetHashAndReset());
}
