using System.Text.Json;
using System.Text.Json.Serialization;

namespace LayerProbe.Proposals;

/// <summary>What a proposals store holds and how it was made (<c>manifest.json</c>; not part of the byte-identical files).</summary>
public sealed record ProposalManifest
{
    /// <summary>"selective-search" or "import".</summary>
    public required string Method { get; init; }
    /// <summary>Method identity hashed into the key (implementation and version, or the imported file's hash).</summary>
    public required string MethodIdentity { get; init; }
    /// <summary>Canonical parameter text hashed into the key.</summary>
    public required string Parameters { get; init; }
    /// <summary>Selective-search settings (null for imports).</summary>
    public SelectiveSearchSettings? Settings { get; init; }
    /// <summary>Imported file (null when computed).</summary>
    public string? ImportedFrom { get; init; }
    /// <summary>Data-set name.</summary>
    public required string DataName { get; init; }
    /// <summary>Fingerprint of the images' ids and bytes.</summary>
    public required string DataFingerprint { get; init; }
    /// <summary>Full content key (hex SHA-256).</summary>
    public required string Key { get; init; }
    /// <summary>Images.</summary>
    public required int Images { get; init; }
    /// <summary>Boxes (rows).</summary>
    public required long Boxes { get; init; }
    /// <summary>Store format version (the feature-matrix header's).</summary>
    public required int FormatVersion { get; init; }
    /// <summary>LayerProbe version.</summary>
    public required string ToolVersion { get; init; }
    /// <summary>.NET runtime version.</summary>
    public required string DotNetVersion { get; init; }
    /// <summary>When the store was finished (UTC, ISO 8601).</summary>
    public required string Created { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // a file, not HTML: '+' stays '+'
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a manifest; <paramref name="path"/> names it in errors.</summary>
    public static ProposalManifest Read(string path)
    {
        try { return JsonSerializer.Deserialize<ProposalManifest>(File.ReadAllText(path), Json) ?? throw new JsonException("null manifest"); }
        catch (JsonException e) { throw LayerProbeException.For(path, $"invalid proposals manifest ({e.Message})", e); }
    }
}
