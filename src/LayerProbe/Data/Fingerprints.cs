using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace LayerProbe.Data;

/// <summary>
/// Builds item-set fingerprints: a SHA-256 over the set's name, ids, regions and the <em>bytes</em> of every file it
/// reads (an XxHash128 per file, <see cref="FileContentHashes"/>), so any change of content changes the fingerprint —
/// an edit that keeps the size and the modification time too — while moving or touching the data does not.
/// </summary>
public sealed class Fingerprints
{
    readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    readonly FileContentHashes _contents;

    /// <summary>A fingerprint whose files are hashed through <paramref name="contents"/> (default: the shared cache).</summary>
    public Fingerprints(FileContentHashes? contents = null) => _contents = contents ?? FileContentHashes.Shared;

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

    /// <summary>Adds the hash of a file's bytes; a missing or unreadable file is an error naming it.</summary>
    public Fingerprints AddFile(string path) => Add(_contents.Hash(path));

    /// <summary>The fingerprint as lowercase hex (file hashes learnt on the way are saved to the cache).</summary>
    public string Finish()
    {
        _contents.Save();
        return Convert.ToHexStringLower(_hash.GetHashAndReset());
    }
}
