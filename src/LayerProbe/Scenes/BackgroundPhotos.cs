using System.Security.Cryptography;
using LayerProbe.Data;

namespace LayerProbe.Scenes;

/// <summary>
/// The photographs scenes are cut from: every baseline JPEG of a folder (name order), decoded with the integer
/// <see cref="BaselineJpegDecoder"/> and kept at half and quarter resolution (2×2 means), so a crop of any scale is a
/// bilinear resampling by less than 2 from one of them. Default folder: Debian's <c>mate-backgrounds</c> nature photos.
/// </summary>
public sealed class BackgroundPhotos
{
    /// <summary>Folder of Debian <c>mate-backgrounds</c>' nature photographs (GPL-2+).</summary>
    public const string DefaultFolder = "/usr/share/backgrounds/mate/nature";

    /// <summary>One photo: file name, SHA-256 of its bytes, the two pyramid levels.</summary>
    public sealed record Photo(string Name, string Sha256, RgbImage Half, RgbImage Quarter);

    /// <summary>The usable photos, name order.</summary>
    public IReadOnlyList<Photo> Photos { get; }
    /// <summary>Files left out and why (progressive JPEGs the baseline decoder refuses).</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>Decoded photos of this process by (file name, SHA-256 of its bytes): a changed file is decoded again.</summary>
    static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), Photo> Decoded = new();

    BackgroundPhotos(IReadOnlyList<Photo> photos, IReadOnlyList<string> skipped) { Photos = photos; Skipped = skipped; }

    /// <summary>Loads every <c>*.jpg</c> of <paramref name="folder"/>; none usable is an error naming the folder.</summary>
    public static BackgroundPhotos Load(string folder = DefaultFolder)
    {
        if (!Directory.Exists(folder))
            throw LayerProbeException.For(folder, "background photo folder not found (Debian package mate-backgrounds; or pass --backgrounds DIR)");
        var files = Directory.GetFiles(folder).Where(f => f.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase)
            || f.EndsWith(".jpeg", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToArray();
        var loaded = new Photo?[files.Length];
        var why = new string?[files.Length];
        Parallel.For(0, files.Length, i =>
        {
            var bytes = File.ReadAllBytes(files[i]);
            var key = (Path.GetFullPath(files[i]), Convert.ToHexStringLower(SHA256.HashData(bytes)));
            if (Decoded.TryGetValue(key, out var known)) { loaded[i] = known; return; }
            RgbImage full;
            try { full = BaselineJpegDecoder.Decode(bytes, files[i]); }
            catch (LayerProbeException e) when (e.Message.Contains("not supported")) { why[i] = e.Message; return; }
            var half = HalfSize(full);
            loaded[i] = Decoded[key] = new Photo(Path.GetFileName(files[i]), key.Item2, half, HalfSize(half));
        });
        var photos = loaded.OfType<Photo>().ToList();
        if (photos.Count == 0) throw LayerProbeException.For(folder, "holds no baseline JPEG photograph");
        return new BackgroundPhotos(photos, why.OfType<string>().ToList());
    }

    /// <summary>
    /// A <paramref name="width"/>×<paramref name="height"/> crop: a random photo, a random window of the output's aspect
    /// ratio between the output size and the whole photo (at half resolution), mirrored half of the time.
    /// </summary>
    internal (RgbImage Image, string PhotoName) Crop(ref SceneRandom random, int width, int height)
    {
        var photo = Photos[random.Below(Photos.Count)];
        var level = photo.Half;
        int maxWide = Math.Min(level.Width, level.Height * width / height);
        int cropWide = random.Between(Math.Min(width, maxWide), maxWide);
        int cropHigh = Math.Max(1, cropWide * height / width);
        int x0 = random.Between(0, level.Width - cropWide), y0 = random.Between(0, level.Height - cropHigh);
        bool mirror = random.Percent(50);
        if (cropWide >= 2 * width)
        {
            level = photo.Quarter;
            cropWide /= 2; cropHigh /= 2; x0 /= 2; y0 /= 2;
        }
        return (Resample(level, x0, y0, cropWide, cropHigh, width, height, mirror), photo.Name);
    }

    /// <summary>Bilinear resampling of a window (pixel centres aligned), 16-bit fixed point.</summary>
    static RgbImage Resample(RgbImage source, int x0, int y0, int wide, int high, int width, int height, bool mirror)
    {
        var xs = Taps(x0, wide, width, source.Width);
        var ys = Taps(y0, high, height, source.Height);
        var output = new byte[3 * width * height];
        var src = source.Pixels;
        int stride = 3 * source.Width;
        for (int y = 0; y < height; y++)
        {
            var (ya, yb, fy) = ys[y];
            for (int x = 0; x < width; x++)
            {
                var (xa, xb, fx) = xs[mirror ? width - 1 - x : x];
                for (int c = 0; c < 3; c++)
                {
                    long top = src[ya * stride + 3 * xa + c] * (65536L - fx) + src[ya * stride + 3 * xb + c] * (long)fx;
                    long bottom = src[yb * stride + 3 * xa + c] * (65536L - fx) + src[yb * stride + 3 * xb + c] * (long)fx;
                    output[3 * (y * width + x) + c] = (byte)((top * (65536L - fy) + bottom * fy + (1L << 31)) >> 32);
                }
            }
        }
        return new RgbImage(width, height, output);
    }

    /// <summary>For each output position: the two source positions and the weight (16.16) of the second.</summary>
    internal static (int A, int B, int Weight)[] Taps(int origin, int span, int outputs, int limit)
    {
        var taps = new (int, int, int)[outputs];
        for (int i = 0; i < outputs; i++)
        {
            long position = ((long)origin << 16) + ((2L * i + 1) * span << 16) / (2L * outputs) - 32768; // 16.16
            position = Math.Clamp(position, 0, (long)(limit - 1) << 16);
            int a = (int)(position >> 16);
            taps[i] = (a, Math.Min(a + 1, limit - 1), (int)(position & 0xFFFF));
        }
        return taps;
    }

    static RgbImage HalfSize(RgbImage image)
    {
        int w = image.Width / 2, h = image.Height / 2, stride = 3 * image.Width;
        var output = new byte[3 * w * h];
        var p = image.Pixels;
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < 3; c++)
                {
                    int a = 2 * y * stride + 6 * x + c;
                    output[3 * (y * w + x) + c] = (byte)((p[a] + p[a + 3] + p[a + stride] + p[a + stride + 3] + 2) >> 2);
                }
        return new RgbImage(w, h, output);
    }
}
