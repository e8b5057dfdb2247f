using System.Security.Cryptography;
using System.Text;

namespace LayerProbe.Features;

/// <summary>
/// Content address of one layer's features: SHA-256 over everything that determines them (model bytes hash,
/// item-set fingerprint, preprocessing description, graph value name, dtype, store format version). A changed
/// input gives a new key, hence a new directory, so stale features are never reused.
/// </summary>
/// <param name="ModelSha256">SHA-256 of the ONNX file.</param>
/// <param name="ItemsFingerprint">The item set's <c>Fingerprint</c>.</param>
/// <param name="Preprocessing">The preprocessor's <c>Description</c>.</param>
/// <param name="LayerValue">Graph value name of the layer (not its alias).</param>
/// <param name="DType">Stored element type.</param>
/// <param name="FormatVersion">Store format version.</param>
public sealed record FeatureStoreKey(string ModelSha256, string ItemsFingerprint, string Preprocessing, string LayerValue,
    FeatureDType DType, int FormatVersion = FeatureMatrixHeader.FormatVersion)
{
    /// <summary>Hex SHA-256 of the canonical (length-prefixed, so unambiguous) encoding of all fields.</summary>
    public string Hash
    {
        get
        {
            var text = new StringBuilder();
            foreach (var part in new[] { ModelSha256, ItemsFingerprint, Preprocessing, LayerValue, DType.Name(), FormatVersion.ToString() })
                text.Append(part.Length).Append(':').Append(part).Append('\n');
            return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        }
    }

    /// <summary>Directory name: readable layer label plus the first 32 hex digits of <see cref="Hash"/>.</summary>
    public string DirectoryName(string label)
    {
        var safe = new string(label.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());
        return $"{(safe.Length > 40 ? safe[..40] : safe)}-{Hash[..32]}";
    }
}
