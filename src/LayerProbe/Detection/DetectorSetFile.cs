using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using LayerProbe.Probes;

namespace LayerProbe.Detection;

/// <summary>
/// A <see cref="DetectorSet"/> on disk, keyed by what it was trained from: the feature store's content key, the region
/// table, the layer and the training settings (<see cref="Key"/>); the file is named after the key
/// (<c>detectors-&lt;32 hex&gt;.lpdet</c>), so changing any of them names another file and nothing stale is reused.
/// Layout: the 8 bytes <c>LPDET001</c>, a little-endian int32 length, that many bytes of UTF-8 JSON (key, classes,
/// layer, scaling, dimensions, which classes have a detector, settings), then for each class with a detector its bias
/// (float64) and weights (float32 × dimensions). Written under a temporary name and renamed; a truncated, foreign or
/// mismatched file is one clear line.
/// </summary>
public static class DetectorSetFile
{
    static readonly byte[] Magic = "LPDET001"u8.ToArray();

    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = false,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>What the file's JSON part holds.</summary>
    sealed record Header(string Key, string[] Classes, string Layer, FeatureScaling Scaling, int Dimensions, bool[] Trained, DetectorTrainingSettings Settings);

    /// <summary>
    /// The key of detectors trained on <paramref name="featureStoreKey"/> (the store manifest's content key) with the
    /// region table <paramref name="regionTable"/> (its file name: content-addressed by the item set's fingerprint),
    /// <paramref name="layer"/> and <paramref name="settings"/>: lowercase hex SHA-256.
    /// </summary>
    public static string Key(string featureStoreKey, string regionTable, string layer, DetectorTrainingSettings settings)
    {
        var text = string.Join('\n', "detectors v1", featureStoreKey, Path.GetFileName(regionTable), layer, JsonSerializer.Serialize(settings, Json));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    /// <summary>The file of key <paramref name="key"/> in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, string key) => Path.Combine(directory, $"detectors-{key[..32]}.lpdet");

    /// <summary>Writes <paramref name="set"/> as the file of <paramref name="key"/> in <paramref name="directory"/>; returns its path.</summary>
    public static string Write(string directory, string key, DetectorSet set, DetectorTrainingSettings settings)
    {
        int d = set.Models.FirstOrDefault(m => m is not null)?.Weights.Length ?? 0;
        if (set.Models.Any(m => m is not null && m.Weights.Length != d)) throw new ArgumentException("detectors of different dimensions");
        var header = new Header(key, set.Classes.ToArray(), set.Layer, set.Scaling, d, set.Models.Select(m => m is not null).ToArray(), settings);
        var json = JsonSerializer.SerializeToUtf8Bytes(header, Json);
        string path = PathFor(directory, key);
        AtomicFile.Write(path, stream =>
        {
            stream.Write(Magic);
            Span<byte> number = stackalloc byte[8];
            BinaryPrimitives.WriteInt32LittleEndian(number, json.Length);
            stream.Write(number[..4]);
            stream.Write(json);
            foreach (var model in set.Models)
            {
                if (model is null) continue;
                BinaryPrimitives.WriteDoubleLittleEndian(number, model.Bias);
                stream.Write(number);
                stream.Write(MemoryMarshal.AsBytes(model.Weights.AsSpan()));
            }
        });
        return path;
    }

    /// <summary>The detectors of <paramref name="key"/> in <paramref name="directory"/>, or null when they were never written.</summary>
    public static DetectorSet? TryRead(string directory, string key)
    {
        string path = PathFor(directory, key);
        return File.Exists(path) ? Read(path, key) : null;
    }

    /// <summary>Reads a detector file; with <paramref name="expectedKey"/>, a file trained from anything else is refused.</summary>
    public static DetectorSet Read(string path, string? expectedKey = null)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("detector files are little-endian");
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw LayerProbeException.For(path, $"cannot read ({e.Message})", e); }
        if (bytes.Length < Magic.Length + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw LayerProbeException.For(path, "not a LayerProbe detector file");
        int jsonLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length, 4));
        int offset = Magic.Length + 4;
        if (jsonLength < 2 || jsonLength > bytes.Length - offset) throw LayerProbeException.For(path, "detector file is truncated (header)");
        Header header;
        try { header = JsonSerializer.Deserialize<Header>(bytes.AsSpan(offset, jsonLength), Json) ?? throw new JsonException("null header"); }
        catch (JsonException e) { throw LayerProbeException.For(path, $"detector file has an unreadable header ({e.Message})", e); }
        if (expectedKey is not null && header.Key != expectedKey)
            throw LayerProbeException.For(path, "detectors were trained from other features, regions or settings (key mismatch); delete the file to retrain");
        if (header.Classes.Length != header.Trained.Length) throw LayerProbeException.For(path, "detector file lists classes and detectors of different counts");
        offset += jsonLength;
        long expected = offset + (long)header.Trained.Count(t => t) * (8 + 4L * header.Dimensions);
        if (bytes.Length != expected)
            throw LayerProbeException.For(path, string.Create(CultureInfo.InvariantCulture, $"detector file has {bytes.Length} bytes, its header describes {expected} (truncated or corrupt)"));
        var models = new LinearModel?[header.Classes.Length];
        for (int c = 0; c < models.Length; c++)
        {
            if (!header.Trained[c]) continue;
            double bias = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(offset, 8));
            offset += 8;
            var w = MemoryMarshal.Cast<byte, float>(bytes.AsSpan(offset, 4 * header.Dimensions)).ToArray();
            offset += 4 * header.Dimensions;
            models[c] = new LinearModel(w, bias);
        }
        return new DetectorSet(header.Classes, models, header.Scaling, header.Layer);
    }
}
