using System.Text.Json;
using System.Text.Json.Serialization;

namespace LayerProbe.Features;

/// <summary>
/// What a feature store holds and how it was made, written as <c>manifest.json</c> inside the store directory.
/// Not part of the byte-identical store files (it carries a creation time).
/// </summary>
public sealed record FeatureManifest
{
    /// <summary>Model file path.</summary>
    public required string ModelPath { get; init; }
    /// <summary>Model SHA-256.</summary>
    public required string ModelSha256 { get; init; }
    /// <summary>Item set name.</summary>
    public required string DataName { get; init; }
    /// <summary>Item set fingerprint.</summary>
    public required string DataFingerprint { get; init; }
    /// <summary>Preprocessor description.</summary>
    public required string Preprocessing { get; init; }
    /// <summary>Layer as the user named it (alias such as pool5, or a value name).</summary>
    public required string LayerAlias { get; init; }
    /// <summary>Graph value name.</summary>
    public required string LayerValue { get; init; }
    /// <summary>Activation shape per item (C, H, W).</summary>
    public required int[] Shape { get; init; }
    /// <summary>Stored element type name.</summary>
    public required string DType { get; init; }
    /// <summary>Full content key (hex SHA-256).</summary>
    public required string Key { get; init; }
    /// <summary>Store format version.</summary>
    public required int FormatVersion { get; init; }
    /// <summary>LayerProbe version.</summary>
    public required string ToolVersion { get; init; }
    /// <summary>.NET runtime version.</summary>
    public required string DotNetVersion { get; init; }
    /// <summary>ONNX Runtime version.</summary>
    public required string OnnxRuntimeVersion { get; init; }
    /// <summary>Device ONNX Runtime ran on (<c>cpu</c>, <c>cuda:N</c>); stores made before it was recorded read as cpu.</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>When the store was created (UTC, ISO 8601).</summary>
    public required string Created { get; init; }
    /// <summary>Rows written (all items once complete).</summary>
    public required long Rows { get; init; }
    /// <summary>True once every row is durable.</summary>
    public required bool Complete { get; init; }
    /// <summary>How region items' features were computed (warp or shared convolution); null for other items.</summary>
    public RegionFeatures? Regions { get; init; }
    /// <summary>
    /// The fully connected layers this layer was computed through at a truncated-SVD rank (Gemm/MatMul output value →
    /// rank, <see cref="Regions.FcCompression"/>); null for exact features.
    /// </summary>
    public IReadOnlyDictionary<string, int>? FcSvdRanks { get; init; }

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Serialises to indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Parses a manifest; <paramref name="path"/> names it in errors.</summary>
    public static FeatureManifest Read(string path)
    {
        try { return JsonSerializer.Deserialize<FeatureManifest>(File.ReadAllText(path), Json) ?? throw new JsonException("null manifest"); }
        catch (JsonException e) { throw LayerProbeException.For(path, $"invalid feature manifest ({e.Message})", e); }
    }
}
