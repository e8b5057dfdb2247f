using System.Security.Cryptography;
using System.Text;
using LayerProbe.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Features;

/// <summary>
/// Minimal item set over a flat folder of .jpg/.jpeg/.png images (whole images, ids = file names, ordinal order),
/// decoded with ImageSharp. A stop-gap for <c>layerprobe extract --images</c> until the Data/ image-folder reader
/// replaces it. Fingerprint: file names, sizes and modification times.
/// </summary>
public sealed class ImageFolderItemSet : IItemSet
{
    static readonly string[] Extensions = [".jpg", ".jpeg", ".png"];
    readonly string[] _files;

    /// <summary>Lists the images of <paramref name="directory"/> (not recursive).</summary>
    public ImageFolderItemSet(string directory)
    {
        if (!Directory.Exists(directory)) throw LayerProbeException.For(directory, "no such image folder");
        _files = Directory.EnumerateFiles(directory)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToArray();
        if (_files.Length == 0) throw LayerProbeException.For(directory, "no .jpg/.jpeg/.png images in the folder");
        Name = $"images:{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory)))}";
        var text = new StringBuilder();
        foreach (var f in _files)
        {
            var info = new FileInfo(f);
            text.Append(info.Name).Append('\t').Append(info.Length).Append('\t').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }
        Fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int Count => _files.Length;
    /// <inheritdoc/>
    public string Fingerprint { get; }
    /// <inheritdoc/>
    public string Id(int index) => Path.GetFileName(_files[index]);

    /// <inheritdoc/>
    public (RgbImage Image, PixelBox? Region) Load(int index)
    {
        string path = _files[index];
        try
        {
            using var image = Image.Load<Rgb24>(path);
            var pixels = new byte[3 * image.Width * image.Height];
            image.CopyPixelDataTo(pixels);
            return (new RgbImage(image.Width, image.Height, pixels), null);
        }
        catch (Exception e) when (e is ImageFormatException or UnknownImageFormatException or IOException or InvalidImageContentException)
        { throw LayerProbeException.For(path, $"cannot decode the image ({e.Message})", e); }
    }
}
