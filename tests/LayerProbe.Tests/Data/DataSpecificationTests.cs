using LayerProbe.Data;
using LayerProbe.Tests.Features;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace LayerProbe.Tests.Data;

/// <summary>
/// The one data-specification grammar (issue 15 item 3): class subsets, per-class counts and seeds are written the same
/// way for every source, and mean the same for probes and for training.
/// </summary>
public class DataSpecificationTests
{
    [Fact]
    public void Trailing_fields_parse_the_same_for_every_source()
    {
        var spec = DataSpecification.Parse("voc2007:/d/VOC2007:trainval:gt-boxes:classes=0-2,7:per-class=5:seed=3", "trainVal");
        Assert.Equal(("voc2007", "/d/VOC2007:trainval:gt-boxes"), (spec.Source, spec.Argument));
        Assert.Equal([0, 1, 2, 7], spec.Classes!);
        Assert.Equal((5, 3), (spec.PerClass!.Value, spec.Seed));
        var error = Assert.Throws<LayerProbeException>(() => DataSpecification.Parse("images:/x:colour=red", "test"));
        Assert.Equal("test", error.Parameter);
        Assert.Contains("unknown field 'colour='", error.Message);
    }

    [Fact]
    public void Fashion_mnist_classes_and_per_class_select_the_right_items()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var (items, _) = DataSources.Default.Labelled("fashion-mnist:test:classes=5-9:per-class=3:seed=1", network);
        Assert.Equal(15, items.Count);
        Assert.Equal(FashionMnist.ClassNames.Skip(5), items.Labels.Classes);
        var data = FashionMnist.Load("test");
        for (int i = 0; i < items.Count; i++)
            Assert.Equal(5 + items.Labels.ClassIndex![i], data.Labels[int.Parse(items.Id(i).Split('/')[1])]);
        Assert.All(Enumerable.Range(0, 5), c => Assert.Equal(3, items.Labels.ClassIndex!.Count(k => k == c)));
    }

    [Fact]
    public void The_keyed_and_the_positional_per_class_spelling_are_the_same_items_and_stores()
    {
        using var tmp = new TempDir();
        var network = TinyNetwork.Load(tmp.Path);
        var (keyed, _) = DataSources.Default.Items("fashion-mnist:test:per-class=2:seed=3", network);
        var (positional, _) = DataSources.Default.Items("fashion-mnist:test:2:3", network);
        Assert.Equal(positional.Fingerprint, keyed.Fingerprint);
        Assert.Equal(Enumerable.Range(0, 20).Select(positional.Id), Enumerable.Range(0, 20).Select(keyed.Id));
    }

    [Fact]
    public void Per_class_works_for_an_image_folder_too()
    {
        using var tmp = new TempDir();
        for (int c = 0; c < 2; c++)
            for (int i = 0; i < 4; i++)
            {
                Directory.CreateDirectory(tmp.Combine("images", $"cls{c}"));
                using var image = new Image<Rgb24>(20, 20);
                image.Save(tmp.Combine("images", $"cls{c}", $"im{i}.png"));
            }
        var (items, _) = DataSources.Default.Labelled($"images:{tmp.Combine("images")}:per-class=3:seed=2", TinyNetwork.Load(tmp.Path));
        Assert.Equal(6, items.Count);
        Assert.Equal([3, 3], Enumerable.Range(0, 2).Select(c => items.Labels.ClassIndex!.Count(k => k == c)));
        var (one, _) = DataSources.Default.Labelled($"images:{tmp.Combine("images")}:classes=1", TinyNetwork.Load(tmp.Path));
        Assert.Equal(["cls1"], one.Labels.Classes);
        Assert.Equal(4, one.Count);
    }

    [Fact]
    public void Training_reads_the_same_grammar_and_the_old_class_spelling_with_a_note()
    {
        var log = new StringWriter();
        var (train, test) = DataSources.Default.Training("fashion-mnist:5-9", new TrainingDataRequest { Log = log });
        Assert.Contains("deprecated", log.ToString());
        Assert.Contains("fashion-mnist:train:classes=5-9", log.ToString());
        var (keyedTrain, keyedTest) = DataSources.Default.Training("fashion-mnist:train:classes=5-9");
        Assert.Equal((train.Name, train.Count, train.Classes), (keyedTrain.Name, keyedTrain.Count, keyedTrain.Classes));
        Assert.Equal(5, train.Classes);
        Assert.Equal(5000, test!.Count); // held out on the test split's items of the same classes
        Assert.Equal(keyedTest!.Count, test.Count);
        Assert.Equal(6000, train.ItemsPerClass!.Min());
    }
}
