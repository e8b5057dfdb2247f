using LayerProbe.Features;
using LayerProbe.Cli;
namespace LayerProbe.Tests.Features;


/// <summary>
/// Issue 15 rough edges: <c>extract --size 64</c> adapts the ResNet-18 as <c>probe --size 64</c> does (it used to refuse),
/// and both key their stores the same way, so a probe pointed at extract's folder extracts nothing again.
/// </summary>
[Collection("Console")]
public class SharedStoresTests
{
    [Fact]
    public void Probe_reuses_the_stores_extract_wrote_at_the_same_adapted_size()
    {
        using var tmp = new TempDir();
        string stores = tmp.Sub("stores");
        const string trainval = "fashion-mnist:train:per-class=2:seed=1", test = "fashion-mnist:test:per-class=1:seed=1";
        var (savedOut, savedErr, log) = (Console.Out, Console.Error, new StringWriter());
        Console.SetOut(log);
        Console.SetError(log);
        try
        {
            foreach (var data in new[] { trainval, test })
                Assert.True(0 == CliApp.Run(["extract", "--model", "resnet18-imagenet", "--size", "64", "--layers", "res4b,pool5", "--data", data,
                    "--out", stores, "--batch", "8"]), log.ToString());
            var extracted = Directory.GetDirectories(stores).Order().ToList();
            Assert.Equal(4, extracted.Count);
            var stamps = extracted.ToDictionary(d => d, d => File.GetLastWriteTimeUtc(Path.Combine(d, "features.lpfm")));
            Assert.True(0 == CliApp.Run(["probe", "--model", "resnet18-imagenet", "--size", "64", "--layers", "res4b,pool5", "--trainval", trainval,
                "--test", test, "--store", stores, "--out", tmp.Sub("report"), "--c", "0.001"]), log.ToString());
            Assert.Equal(extracted, Directory.GetDirectories(stores).Where(d => File.Exists(Path.Combine(d, FeatureStoreFiles.Matrix))).Order()); // no new store
            Assert.Equal(2, Directory.GetFiles(Path.Combine(stores, "probe-results"), "probe-*.json").Length); // the probe results, kept beside them
            Assert.All(extracted, d => Assert.Equal(stamps[d], File.GetLastWriteTimeUtc(Path.Combine(d, "features.lpfm"))));
            // tables name the model as the user wrote it (not ResNet18.onnx@batched); the plot names model and data
            Assert.Contains("resnet18-imagenet (ResNet18.onnx) at 64×64 input", File.ReadAllText(Path.Combine(tmp.Sub("report"), "probe.md")));
            string plot = File.ReadAllText(Path.Combine(tmp.Sub("report"), "probe-map.svg"));
            Assert.Contains("resnet18-imagenet", plot);
            Assert.Contains("on fashion-mnist/t10k", plot);
        }
        finally { Console.SetOut(savedOut); Console.SetError(savedErr); }
    }
}
