using System.Buffers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Data;

/// <summary>
/// Decodes image files (JPEG, PNG, …) to <see cref="RgbImage"/> with ImageSharp. Pixels are decoded into ImageSharp's
/// pooled buffers and copied row by row into the result (no per-pixel work outside ImageSharp). Grey images become
/// 3-channel by replication. A truncated or corrupt file is a <see cref="LayerProbeException"/> naming the file.
/// </summary>
public static class ImageDecoder
{
    /// <summary>Decodes <paramref name="path"/>; the file is read into a pooled buffer.</summary>
    public static RgbImage Decode(string path)
    {
        byte[]? buffer = null;
        try
        {
            int length;
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            {
                if (file.Length > Array.MaxLength) throw LayerProbeException.For(path, "image file is too large");
                length = (int)file.Length;
                buffer = ArrayPool<byte>.Shared.Rent(Math.Max(1, length));
                file.ReadExactly(buffer, 0, length);
            }
            return Decode(buffer.AsSpan(0, length), path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(path, $"cannot read image: {e.Message}", e); }
        finally { if (buffer is not null) ArrayPool<byte>.Shared.Return(buffer); }
    }

    /// <summary>Decodes encoded <paramref name="bytes"/>; <paramref name="source"/> names them in errors.</summary>
    public static RgbImage Decode(ReadOnlySpan<byte> bytes, string source)
    {
        if (IsJpeg(bytes) && !EndsWithJpegEoi(bytes))
            throw LayerProbeException.For(source, "truncated JPEG (no end-of-image marker)");
        Image<Rgb24> image;
        try { image = Image.Load<Rgb24>(bytes); }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or NotSupportedException or InvalidDataException)
        { throw LayerProbeException.For(source, $"cannot decode image: {e.Message}", e); }
        using (image)
        {
            var pixels = GC.AllocateUninitializedArray<byte>(3 * image.Width * image.Height); // fully overwritten below
            image.CopyPixelDataTo(pixels);
            return new RgbImage(image.Width, image.Height, pixels);
        }
    }

    static bool IsJpeg(ReadOnlySpan<byte> b) => b.Length >= 2 && b[0] == 0xFF && b[1] == 0xD8;

    /// <summary>A complete JPEG ends with FF D9; writers may append a little padding, so the last 64 bytes are searched.</summary>
    static bool EndsWithJpegEoi(ReadOnlySpan<byte> b)
    {
        var tail = b[Math.Max(2, b.Length - 64)..];
        for (int i = tail.Length - 2; i >= 0; i--)
            if (tail[i] == 0xFF && tail[i + 1] == 0xD9) return true;
        return false;
    }
}
