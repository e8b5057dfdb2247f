using System.Buffers;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Data;

/// <summary>
/// Decodes image files (JPEG, PNG, …) to <see cref="RgbImage"/> with ImageSharp. Pixels are decoded into ImageSharp's
/// pooled buffers and copied row by row into the result (no per-pixel work outside ImageSharp). Grey images become
/// 3-channel by replication. Before any pixel is decoded the header is read (<c>Image.Identify</c>): an empty file, a
/// file that is no image, or one declaring more than <see cref="MaxPixels"/> pixels is refused at once, so a few bytes
/// claiming 30000×30000 cost nothing. Every refusal is one <see cref="LayerProbeException"/> line naming the file.
/// </summary>
public static class ImageDecoder
{
    /// <summary>The default pixel limit: 100 megapixels (a 300 MB RGB image).</summary>
    public const long DefaultMaxPixels = 100_000_000;

    static long _maxPixels = DefaultMaxPixels;

    /// <summary>
    /// Largest width × height decoded (process-wide; the CLI's <c>--max-pixels</c> sets it). Images declaring more are
    /// refused from their header, before decoding.
    /// </summary>
    public static long MaxPixels
    {
        get => Interlocked.Read(ref _maxPixels);
        set => Interlocked.Exchange(ref _maxPixels, value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "the pixel limit must be positive"));
    }

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
        CheckHeader(bytes, source);
        if (IsJpeg(bytes) && !EndsWithJpegEoi(bytes))
            throw LayerProbeException.For(source, "truncated JPEG (no end-of-image marker)");
        Image<Rgb24> image;
        try { image = Image.Load<Rgb24>(bytes); }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or NotSupportedException or InvalidDataException)
        { throw LayerProbeException.For(source, $"cannot decode image: {FirstLine(e.Message)}", e); }
        using (image)
        {
            var pixels = GC.AllocateUninitializedArray<byte>(3 * image.Width * image.Height); // fully overwritten below
            image.CopyPixelDataTo(pixels);
            return new RgbImage(image.Width, image.Height, pixels);
        }
    }

    /// <summary>
    /// Reads only the header: refuses an empty file, a file no decoder recognises and a declared size above
    /// <see cref="MaxPixels"/>.
    /// </summary>
    static void CheckHeader(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.IsEmpty) throw LayerProbeException.For(source, "empty file (0 bytes), not an image");
        IImageInfo? info;
        try { info = Identify(bytes); }
        catch (Exception e) when (e is ImageFormatException or NotSupportedException or InvalidDataException)
        { throw LayerProbeException.For(source, $"cannot read the image header: {FirstLine(e.Message)}", e); }
        if (info is null) throw LayerProbeException.For(source, "not an image (no header of a known image format)");
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0) throw LayerProbeException.For(source, $"image header declares {info.Width}x{info.Height} pixels");
        if (pixels > MaxPixels)
            throw LayerProbeException.For(source, $"image header declares {info.Width}x{info.Height} = {pixels:N0} pixels, above the limit of {MaxPixels:N0} (raise it with --max-pixels)");
        if (3 * pixels > Array.MaxLength)
            throw LayerProbeException.For(source, $"image header declares {info.Width}x{info.Height} pixels, more than one RGB buffer can hold");
    }

    static unsafe IImageInfo? Identify(ReadOnlySpan<byte> bytes)
    {
        fixed (byte* start = bytes)
        {
            using var stream = new UnmanagedMemoryStream(start, bytes.Length);
            return Image.Identify(stream);
        }
    }

    static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return (end < 0 ? message : message[..end]).Trim();
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
