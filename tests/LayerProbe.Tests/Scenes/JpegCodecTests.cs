using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Scenes;
using LayerProbe.Tests.Data;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Scenes;

/// <summary>The integer baseline JPEG codec of the scenes generator against ImageSharp's independent codec.</summary>
public class JpegCodecTests
{
    const string LabelmePhotos = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc/JPEGImages";

    static RgbImage Photo()
    {
        var file = Directory.GetFiles(LabelmePhotos, "*.jpg").Order().First();
        return ImageDecoder.Decode(file);
    }

    static byte[] ImageSharpJpeg(RgbImage image, JpegColorType colour, int quality)
    {
        using var img = Image.LoadPixelData<Rgb24>(image.Pixels, image.Width, image.Height);
        var ms = new MemoryStream();
        img.SaveAsJpeg(ms, new JpegEncoder { Quality = quality, ColorType = colour });
        return ms.ToArray();
    }

    static (double Mean, int Max) Difference(RgbImage a, RgbImage b)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        long sum = 0; int max = 0;
        for (int i = 0; i < a.Pixels.Length; i++)
        {
            int d = Math.Abs(a.Pixels[i] - b.Pixels[i]);
            sum += d; max = Math.Max(max, d);
        }
        return ((double)sum / a.Pixels.Length, max);
    }

    /// <summary>Without chroma subsampling the decoders differ only by IDCT rounding.</summary>
    [Theory]
    [InlineData(JpegColorType.YCbCrRatio444)]
    [InlineData(JpegColorType.Luminance)]
    public void Decoder_matches_ImageSharp_without_subsampling(JpegColorType colour)
    {
        var bytes = ImageSharpJpeg(Photo(), colour, 85);
        var (mean, max) = Difference(BaselineJpegDecoder.Decode(bytes, "test.jpg"), ImageDecoder.Decode(bytes, "test.jpg"));
        Assert.True(mean < 0.3 && max <= 3, $"mean |d| {mean:F3}, max {max}");
    }

    /// <summary>
    /// Subsampled files against libjpeg (Debian's python3-opencv), which upsamples chroma with the same centred
    /// triangle filter (ImageSharp replicates chroma samples, so it differs by up to ~48 at colour edges).
    /// </summary>
    [OpenCvFact]
    public void Decoder_matches_libjpeg_on_subsampled_files_and_real_photos()
    {
        using var dir = new TempDir();
        var files = new List<string>();
        foreach (var (colour, name) in new[] { (JpegColorType.YCbCrRatio420, "420.jpg"), (JpegColorType.YCbCrRatio422, "422.jpg") })
        {
            File.WriteAllBytes(dir.Combine(name), ImageSharpJpeg(Photo(), colour, 85));
            files.Add(dir.Combine(name));
        }
        files.AddRange(Directory.GetFiles(LabelmePhotos, "*.jpg").Order());
        var script = "import cv2, sys\nfor i, f in enumerate(sys.argv[2:]):\n    open(sys.argv[1] + '/%d.rgb' % i, 'wb').write(cv2.cvtColor(cv2.imread(f), cv2.COLOR_BGR2RGB).tobytes())\n";
        using (var p = Process.Start(new ProcessStartInfo(OpenCv.Python, ["-c", script, dir.Path, .. files]) { RedirectStandardError = true })!)
        {
            var err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            Assert.True(p.ExitCode == 0, err);
        }
        for (int i = 0; i < files.Count; i++)
        {
            var ours = BaselineJpegDecoder.Decode(files[i]);
            var reference = new RgbImage(ours.Width, ours.Height, File.ReadAllBytes(dir.Combine($"{i}.rgb")));
            var (mean, max) = Difference(ours, reference);
            Assert.True(mean < 0.3 && max <= 4, $"{files[i]}: mean |d| {mean:F3}, max {max}");
        }
    }

    [Fact]
    public void Encoder_output_is_as_close_to_the_source_as_ImageSharps_at_the_same_quality()
    {
        var photo = Photo();
        var bytes = BaselineJpegEncoder.Encode(photo, 90);
        var decoded = ImageDecoder.Decode(bytes, "ours.jpg");
        var (mean, _) = Difference(decoded, photo);
        var (referenceMean, _) = Difference(ImageDecoder.Decode(ImageSharpJpeg(photo, JpegColorType.YCbCrRatio420, 90), "ref.jpg"), photo);
        Assert.True(mean < referenceMean * 1.15 + 0.1, $"ours {mean:F3} vs ImageSharp's encoder {referenceMean:F3}");
        var (selfMean, _) = Difference(BaselineJpegDecoder.Decode(bytes, "ours.jpg"), photo);
        var (otherMean, _) = Difference(BaselineJpegDecoder.Decode(ImageSharpJpeg(photo, JpegColorType.YCbCrRatio420, 90), "ref.jpg"), photo);
        Assert.True(selfMean < otherMean * 1.15 + 0.1, $"our decoder on our file {selfMean:F3} vs on ImageSharp's {otherMean:F3}");
    }

    [Fact]
    public void Progressive_and_corrupt_files_are_clear_errors()
    {
        var bytes = ImageSharpJpeg(Photo(), JpegColorType.YCbCrRatio420, 85);
        var cut = bytes[..(bytes.Length / 2)];
        var e = Assert.Throws<LayerProbeException>(() => BaselineJpegDecoder.Decode(cut, "cut.jpg"));
        Assert.StartsWith("cut.jpg: ", e.Message);
        Assert.StartsWith("x.jpg: ", Assert.Throws<LayerProbeException>(() => BaselineJpegDecoder.Decode([1, 2, 3, 4, 5], "x.jpg")).Message);
    }
}
