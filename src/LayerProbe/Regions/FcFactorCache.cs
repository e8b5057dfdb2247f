using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace LayerProbe.Regions;

/// <summary>
/// Truncated-SVD factors kept on disk, so that the SVD of a layer is computed once (Fast R-CNN compresses the model
/// once), not every time a head session is built: CaffeNet's fc6 (4096 × 9216) takes minutes in double precision.
/// Files are content-addressed by the weight's own bytes, its shape and the rank — so any network, any layer name, and
/// a changed weight can never read another's factors — written under a temporary name and renamed; a file that does
/// not read back whole is computed again.
/// </summary>
public static class FcFactorCache
{
    const string Magic = "LPSVD1";

    /// <summary>
    /// The factors of <paramref name="weight"/> (row-major <paramref name="outputs"/> × <paramref name="inputs"/>) at
    /// <paramref name="rank"/>, read from <paramref name="folder"/> when they are there, else computed and kept there
    /// (computed only, when <paramref name="folder"/> is null).
    /// </summary>
    public static TruncatedSvd Get(string? folder, float[] weight, int outputs, int inputs, int rank)
    {
        if (folder is null) return TruncatedSvd.Of(weight, outputs, inputs, rank);
        string path = Path.Combine(folder, $"{Key(weight, outputs, inputs, rank)}.svd");
        if (TryRead(path, outputs, inputs, rank) is { } cached) return cached;
        var svd = TruncatedSvd.Of(weight, outputs, inputs, rank);
        Directory.CreateDirectory(folder);
        string temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var writer = new BinaryWriter(stream))
            {
                writer.Write(Magic);
                writer.Write(outputs); writer.Write(inputs); writer.Write(rank); writer.Write(svd.SingularValues.Length);
                writer.Flush();
                stream.Write(MemoryMarshal.AsBytes(svd.SingularValues.AsSpan())); // little-endian, as the weights in ONNX files
                stream.Write(MemoryMarshal.AsBytes(svd.First.AsSpan()));
                stream.Write(MemoryMarshal.AsBytes(svd.Second.AsSpan()));
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException e)
        {
            File.Delete(temp);
            throw LayerProbeException.For(folder, $"cannot keep the SVD factors ({e.Message})", e);
        }
        return svd;
    }

    static string Key(float[] weight, int outputs, int inputs, int rank)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{Magic} {outputs}x{inputs} rank {rank}\n"));
        hash.AppendData(MemoryMarshal.AsBytes(weight.AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    static TruncatedSvd? TryRead(string path, int outputs, int inputs, int rank)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(path));
            if (reader.ReadString() != Magic || reader.ReadInt32() != outputs || reader.ReadInt32() != inputs || reader.ReadInt32() != rank) return null;
            int count = reader.ReadInt32();
            if (count != Math.Min(outputs, inputs)) return null;
            var singular = new double[count];
            var first = new float[(long)rank * inputs];
            var second = new float[(long)outputs * rank];
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(singular.AsSpan()));
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(first.AsSpan()));
            reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(second.AsSpan()));
            return reader.BaseStream.Position == reader.BaseStream.Length ? new TruncatedSvd(first, second, singular, rank, outputs, inputs) : null;
        }
        catch (EndOfStreamException) { return null; }
    }
}
