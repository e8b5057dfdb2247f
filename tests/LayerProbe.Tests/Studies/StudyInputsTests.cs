using LayerProbe.Data;
using LayerProbe.Studies;
using LayerProbe.Tests.Training;
using LayerProbe.Training;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Studies;

/// <summary>The inputs of the training studies: grey preprocessing, class-subset tasks and the conv1 tile image.</summary>
public class StudyInputsTests
{
    [Fact]
    public void Grey_preprocessing_feeds_probes_the_numbers_the_training_source_fed_the_network()
    {
        var data = FashionMnist.Load("test");
        var items = new FashionMnistItems(data, [0, 1, 2]);
        var source = FashionMnistTrainingSource.Load("t10k", limit: 3, scale: FashionMnistTrainingSource.UnitScale);
        var preprocessor = StudyTask.DefaultPreprocessor(TrainingFixtures.Mini(channels: 1));
        Assert.Equal("grey", Assert.IsType<ConventionPreprocessor>(preprocessor).Convention.Name);
        var expected = new float[3 * 28 * 28];
        source.Fill([0, 1, 2], expected, new long[3]);
        for (int i = 0; i < 3; i++)
        {
            var actual = new float[28 * 28];
            var (image, region) = items.Load(i);
            preprocessor.Fill(image, region, actual);
            for (int p = 0; p < actual.Length; p++) Assert.Equal(expected[i * 784 + p], actual[p], 1e-4f);
        }
    }

    [Fact]
    public void Class_subset_keeps_only_the_named_classes_relabelled_in_order()
    {
        var data = FashionMnist.Load("test");
        var all = new FashionMnistItems(data, StratifiedSubset.Select(data.Labels, 10, 3, 1));
        var subset = new ClassSubsetItems(all, [7, 5]);
        Assert.Equal(6, subset.Count);
        Assert.Equal([FashionMnist.ClassNames[7], FashionMnist.ClassNames[5]], subset.Labels.Classes);
        for (int i = 0; i < subset.Count; i++)
        {
            int original = data.Labels[int.Parse(subset.Id(i).Split('/')[1])];
            Assert.Equal(original == 7 ? 0 : 1, subset.Labels.ClassIndex![i]);
        }
        Assert.Throws<LayerProbeException>(() => new ClassSubsetItems(all, [5, 5]));
    }

    [Fact]
    public void Conv1_grid_has_tiles_times_filter_size_and_each_tile_spans_black_to_white()
    {
        var network = TrainingFixtures.Mini(channels: 3); // 12 filters of 3×5×5
        string path = Path.Combine(TrainingFixtures.TempDir(), "conv1.png");
        FilterGrid.Write(network, path, zoom: 2);
        using var image = Image.Load<Rgb24>(path);
        Assert.Equal((4, 3), FilterGrid.Layout(12));
        Assert.Equal(4 * (5 * 2 + 1) + 1, image.Width);
        Assert.Equal(3 * (5 * 2 + 1) + 1, image.Height);
        for (int f = 0; f < 12; f++)
        {
            int x0 = 1 + f % 4 * 11, y0 = 1 + f / 4 * 11;
            var levels = new List<byte>();
            for (int y = 0; y < 10; y++)
                for (int x = 0; x < 10; x++) { var p = image[x0 + x, y0 + y]; levels.AddRange([p.R, p.G, p.B]); }
            Assert.Equal(0, levels.Min());   // per-filter min–max normalisation over all channels
            Assert.Equal(255, levels.Max());
        }
    }
}
