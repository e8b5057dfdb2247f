using LayerProbe.Data;
using LayerProbe.Proposals;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Proposals;

public class MatFileTests
{
    /// <summary>Random boxes (y1 x1 y2 x2, 1-based, inside 500×375) per image, some images with none; fixed seed.</summary>
    static (string[] Ids, int[][] Boxes) Sample(int images, int seed)
    {
        var random = new Random(seed);
        var ids = Enumerable.Range(0, images).Select(i => $"{2 * i + 5:D6}").ToArray();
        var boxes = ids.Select((_, i) =>
        {
            int n = i % 4 == 3 ? 0 : random.Next(1, 40);
            var rows = new int[n * 4];
            for (int r = 0; r < n; r++)
            {
                int x1 = random.Next(1, 480), y1 = random.Next(1, 360);
                (rows[4 * r], rows[4 * r + 1], rows[4 * r + 2], rows[4 * r + 3]) = (y1, x1, random.Next(y1, 376), random.Next(x1, 501));
            }
            return rows;
        }).ToArray();
        return (ids, boxes);
    }

    /// <summary>Writes the sample with scipy.io.savemat the way R-CNN's files are laid out.</summary>
    static void WriteWithScipy(string path, string[] ids, int[][] boxes, string dtype, bool compress, bool idsAsCharMatrix = false)
    {
        var lines = new List<string>
        {
            "import numpy as np, scipy.io",
            $"ids = [{string.Join(",", ids.Select(i => $"'{i}'"))}]",
            "boxes = np.empty((1, len(ids)), dtype=object)",
        };
        for (int i = 0; i < boxes.Length; i++)
            lines.Add($"boxes[0, {i}] = np.array([{string.Join(",", boxes[i])}], dtype=np.{dtype}).reshape(-1, 4)");
        lines.Add(idsAsCharMatrix ? "images = np.array(ids)" : "images = np.empty((len(ids), 1), dtype=object)\nfor i, s in enumerate(ids): images[i, 0] = s");
        lines.Add($"scipy.io.savemat('{path}', {{'boxes': boxes, 'images': images, 'note': 'x'}}, do_compression={(compress ? "True" : "False")})");
        PythonReference.RunOrFail(string.Join("\n", lines));
    }

    [ScipyFact]
    public void Boxes_and_ids_written_by_scipy_are_read_exactly_in_x1_y1_x2_y2_order()
    {
        using var tmp = new TempDir();
        var (ids, boxes) = Sample(13, 7);
        foreach (var (dtype, compress, charMatrix) in new[] { ("float64", false, false), ("float64", true, false), ("int32", true, true), ("uint16", false, true), ("int16", true, false) })
        {
            string path = tmp.Combine($"{dtype}-{compress}-{charMatrix}.mat");
            WriteWithScipy(path, ids, boxes, dtype, compress, charMatrix);
            var (readIds, readBoxes) = SelectiveSearchMat.Read(path);
            Assert.Equal(ids, readIds);
            for (int i = 0; i < ids.Length; i++)
            {
                var expected = Enumerable.Range(0, boxes[i].Length / 4)
                    .Select(r => new PixelBox(boxes[i][4 * r + 1], boxes[i][4 * r], boxes[i][4 * r + 3], boxes[i][4 * r + 2]));
                Assert.Equal(expected, readBoxes[i]);
            }
        }
    }

    [ScipyFact]
    public void Corrupt_files_are_one_line_naming_the_file()
    {
        using var tmp = new TempDir();
        var (ids, boxes) = Sample(6, 3);
        foreach (bool compress in new[] { false, true })
        {
            string good = tmp.Combine($"good-{compress}.mat");
            WriteWithScipy(good, ids, boxes, "float64", compress);
            var bytes = File.ReadAllBytes(good);
            var cases = new Dictionary<string, byte[]>
            {
                ["truncated"] = bytes[..(bytes.Length * 2 / 3)],
                ["header-only"] = bytes[..100],
                ["not-mat"] = [.. "hello, this is text"u8.ToArray(), .. new byte[200]],
                ["flipped"] = Flip(bytes, 200),
            };
            foreach (var (name, content) in cases)
            {
                string path = tmp.Combine($"{name}-{compress}.mat");
                File.WriteAllBytes(path, content);
                var e = Record.Exception(() => SelectiveSearchMat.Read(path));
                if (name == "flipped" && e is null) continue; // a flipped byte inside box values is still a valid file
                var error = Assert.IsType<LayerProbeException>(e);
                Assert.StartsWith($"{path}: ", error.Message);
                Assert.DoesNotContain('\n', error.Message);
            }
        }
    }

    static byte[] Flip(byte[] bytes, int at)
    {
        var copy = (byte[])bytes.Clone();
        for (int i = at; i < Math.Min(copy.Length, at + 64); i++) copy[i] ^= 0x5A;
        return copy;
    }

    [ScipyFact]
    public void A_file_without_the_variables_is_refused()
    {
        using var tmp = new TempDir();
        string path = tmp.Combine("other.mat");
        PythonReference.RunOrFail($"import numpy as np, scipy.io\nscipy.io.savemat('{path}', {{'x': np.zeros((3, 4))}})");
        var e = Assert.Throws<LayerProbeException>(() => SelectiveSearchMat.Read(path));
        Assert.Contains("no variable 'images'", e.Message);
    }
}
