using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Tests.Features;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Zoo;

/// <summary>
/// The <c>torchvision</c> convention against torchvision's own transform (<c>torchvision_transform.py</c>: ToTensor,
/// Resize without antialiasing, Normalize) on the three photos of Debian's labelme-examples: from the same decoded
/// pixels (PIL's) the input tensors agree to a small fraction of a grey level on the 0–255 scale (the requirement: ≤ 1).
/// With each side decoding its own JPEG (ImageSharp here, libjpeg-turbo in PIL) the decoders themselves differ — up to
/// ~30 grey levels at single chroma edges — so that comparison is bounded on average only (mean |Δ| ≤ 1 grey level).
/// </summary>
public class TorchvisionPreprocessingTests(ITestOutputHelper output)
{
    static readonly string Photos = Path.Combine(References.ExternalReferences.LabelmeVoc, "JPEGImages");

    [ZooTheory]
    [InlineData(224)]
    [InlineData(64)]
    public void Input_tensors_equal_torchvisions_transform_of_the_same_photos(int size)
    {
        var photos = Directory.GetFiles(Photos, "*.jpg").Order().ToArray();
        Assert.Equal(3, photos.Length);
        using var tmp = new TempDir();
        RunPython(size, tmp.Path, photos);

        var pre = Preprocessing.Build(InputConvention.Torchvision, size);
        float[] std = InputConvention.Torchvision.Std;
        int plane = size * size;
        double worstSameDecode = 0, worstOwnDecode = 0, sumOwnDecode = 0;
        for (int i = 0; i < photos.Length; i++)
        {
            var reference = ReadFloats(Path.Combine(tmp.Path, $"{i}.f32"));
            Assert.Equal(3 * plane, reference.Length);
            foreach (var (image, which) in new[] { (ReadPilPixels(Path.Combine(tmp.Path, $"{i}.rgb")), 0), (ImageDecoder.Decode(photos[i]), 1) })
            {
                var ours = new float[3 * plane];
                pre.Fill(image, null, ours);
                double worst = 0; // in grey levels: |Δ| · std · 255
                for (int c = 0; c < 3; c++)
                    for (int p = 0; p < plane; p++)
                    {
                        double d = Math.Abs(ours[c * plane + p] - reference[c * plane + p]) * std[c] * 255;
                        worst = Math.Max(worst, d);
                        if (which == 1) sumOwnDecode += d;
                    }
                if (which == 0) worstSameDecode = Math.Max(worstSameDecode, worst); else worstOwnDecode = Math.Max(worstOwnDecode, worst);
            }
        }
        double meanOwnDecode = sumOwnDecode / (photos.Length * 3.0 * plane);
        var line = string.Create(CultureInfo.InvariantCulture,
            $"size {size}: max |ours − torchvision| = {worstSameDecode:0.000e+00} grey levels from PIL's pixels; from our own decode max {worstOwnDecode:0.00}, mean {meanOwnDecode:0.000}");
        output.WriteLine(line);
        Assert.True(worstSameDecode <= 0.01, line);
        Assert.True(meanOwnDecode <= 1.0, line);

        // the check discriminates: Caffe's numbers or BGR order are far off
        var caffe = new float[3 * plane];
        Preprocessing.Build(InputConvention.Torchvision with { Channels = ChannelOrder.Bgr }, size).Fill(ImageDecoder.Decode(photos[0]), null, caffe);
        var first = ReadFloats(Path.Combine(tmp.Path, "0.f32"));
        Assert.True(caffe.Zip(first).Max(p => Math.Abs(p.First - p.Second)) * 0.229 * 255 > 20);
    }

    static void RunPython(int size, string outDir, string[] photos)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Zoo", "torchvision_transform.py");
        var start = new ProcessStartInfo(TorchvisionZoo.Python, [script, size.ToString(CultureInfo.InvariantCulture), outDir, .. photos])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        start.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(start)!;
        _ = p.StandardOutput.ReadToEndAsync();
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, err);
    }

    static RgbImage ReadPilPixels(string path)
    {
        var bytes = File.ReadAllBytes(path);
        int h = BitConverter.ToInt32(bytes, 0), w = BitConverter.ToInt32(bytes, 4);
        return new RgbImage(w, h, bytes[8..]);
    }

    static float[] ReadFloats(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        Buffer.BlockCopy(bytes, 0, values, 0, bytes.Length);
        return values;
    }
}
