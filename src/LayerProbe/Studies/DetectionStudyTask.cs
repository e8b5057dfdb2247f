using LayerProbe.Data;
using LayerProbe.Detection;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;

namespace LayerProbe.Studies;

/// <summary>
/// The detection task of the training studies (paper Tables 1 DET, 3 and 5): trainval and test region items
/// (<c>voc2007:DEVKIT:SPLIT:proposals:STORE</c>), R-CNN detection per layer with <see cref="RcnnDetectionTask"/> for
/// every network, and where features and detectors are cached. Every network of a study detects on exactly this task,
/// fed as <c>probe</c> feeds it (the network at the requested input side, R-CNN's warp with 16 pixels of context), so
/// a study's per-network numbers are those of <c>probe</c> on each network.
/// </summary>
/// <param name="TrainVal">Regions the detectors are trained on (hard-negative mining).</param>
/// <param name="Test">Regions detections are scored on.</param>
/// <param name="Preprocessing">The input convention asked for (the command line's <c>--preprocess</c> and overrides).</param>
/// <param name="Settings">Detector training and test-time detection settings (R-CNN's by default).</param>
/// <param name="StoreRoot">Feature, region-table and detector cache (stores are keyed by network hash, so networks never collide).</param>
public sealed record DetectionStudyTask(VocRegions TrainVal, VocRegions Test, PreprocessingRequest Preprocessing, DetectionTaskSettings Settings,
    string StoreRoot) : IDisposable
{
    /// <summary>Extraction settings (float32 by default).</summary>
    public ExtractionOptions Extraction { get; init; } = new();
    /// <summary>Where progress lines go (null: standard error).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>The network as detection runs it: adapted to the requested input side, as <c>probe</c> does.</summary>
    public OnnxNetwork Network(OnnxNetwork network) => network.AtInputSide(Preprocessing.Size);

    /// <summary>The warp of a network's regions: its input convention and R-CNN's context padding.</summary>
    public IPreprocessor Preprocessor(OnnxNetwork network) => Data.Preprocessing.For(Network(network), Preprocessing, DataSources.RcnnContext);

    /// <summary>The settings with the C of <paramref name="grid"/> (one value: detection trains at one C, R-CNN's 0.001 by default).</summary>
    public static DetectionTaskSettings SettingsWithC(IReadOnlyList<double>? grid)
    {
        var settings = DetectionTaskSettings.Rcnn;
        if (grid is null) return settings;
        if (grid.Count != 1) throw LayerProbeException.ForParameter("cGrid", "detection takes one C (R-CNN: 0.001), not a grid");
        return settings with { Training = settings.Training with { Svm = settings.Training.Svm with { C = grid[0] } } };
    }

    /// <summary>
    /// The detection task when <paramref name="trainVal"/> and <paramref name="test"/> are both region items; null when
    /// neither is (the classification task of <see cref="StudyTask"/>); detectors are trained at the one C of
    /// <paramref name="cGrid"/> (null: R-CNN's). One split of regions and the other not, a class subset, a C grid, or
    /// splits with different class lists are one-line errors.
    /// </summary>
    public static DetectionStudyTask? TryCreate(string trainVal, string test, string? classes, IReadOnlyList<double>? cGrid,
        PreprocessingRequest request, string output)
    {
        bool trainRegions = ItemSetSources.IsRegionItems(trainVal), testRegions = ItemSetSources.IsRegionItems(test);
        if (!trainRegions && !testRegions) return null;
        if (trainRegions != testRegions)
            throw LayerProbeException.ForParameter(trainRegions ? "test" : "trainVal",
                $"'{(trainRegions ? test : trainVal)}' are not region items, but the {(trainRegions ? "trainval" : "test")} items are (detection); " +
                "give both as voc2007:DEVKIT:SPLIT:proposals:STORE, or neither");
        if (classes is not null)
            throw LayerProbeException.ForParameter("classes", "detection takes every class of the devkit; leave the class subset out with region items");
        var trainItems = ItemSetSources.RegionItems(trainVal, "--trainval");
        try
        {
            var testItems = ItemSetSources.RegionItems(test, "--test");
            if (!trainItems.Classes.SequenceEqual(testItems.Classes))
            {
                testItems.Dispose();
                throw LayerProbeException.For(testItems.Devkit.Root, $"trainval and test have different class lists ({trainItems.Classes.Count} and {testItems.Classes.Count} classes)");
            }
            return new DetectionStudyTask(trainItems, testItems, request, SettingsWithC(cGrid), Path.Combine(output, "features"));
        }
        catch
        {
            trainItems.Dispose();
            throw;
        }
    }

    /// <summary>Closes both splits' proposals stores.</summary>
    public void Dispose()
    {
        TrainVal.Dispose();
        Test.Dispose();
    }
}
