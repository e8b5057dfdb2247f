using System.Diagnostics;
using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Reports;

namespace LayerProbe.Studies;

/// <summary>
/// The embedded demo: the paper's layer-wise experiment (draft Table 9) in miniature on what ships with the tool —
/// the ImageNet ResNet-18 from NuGet as the pre-trained network and Fashion-MNIST from Debian as the target task.
/// Every stage (stem conv, its ReLU, the max-pool, each residual block, the global pool) is extracted in one pass and
/// probed with one-vs-rest linear SVMs; the report folder holds the table, the paper's numbers beside it, a plot of
/// mAP against depth and a provenance manifest. Sections on what the layers encode (feature transforms, label entropy,
/// grandmother cells, non-linear heads, CKA) then work from the same stores, each in its own sub-folder.
/// </summary>
public static class DemoStudy
{
    /// <summary>Stage layers of the ResNet-18, in depth order.</summary>
    public static readonly string[] Layers =
        ["stem", "stem-relu", "pool1", "res2a", "res2b", "res3a", "res3b", "res4a", "res4b", "res5a", "res5b", "res5c", "pool5"];

    /// <summary>Runs the demo and writes its report; returns the report folder.</summary>
    public static string Run(DemoOptions options, TextWriter? log = null)
    {
        log ??= Console.Error;
        var clock = Stopwatch.StartNew();
        var source = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);
        var network = source.WithInput(options.InputSize, options.InputSize);
        var preprocessor = Preprocessing.For(network, options.InputSize);
        var split = Split(options);
        log.WriteLine($"demo: ResNet-18 (ImageNet) at {options.InputSize}x{options.InputSize} on Fashion-MNIST: " +
                      $"{split.TrainVal.Count} trainval, {split.Test.Count} test images, {Layers.Length} layers");

        var settings = new ProbeSettings { CGrid = options.CGrid };
        var extraction = new ExtractionOptions { DType = options.Float16 ? FeatureDType.Float16 : FeatureDType.Float32, Device = options.Device };
        string featureRoot = Path.Combine(options.OutputDirectory, "features");
        var layerwise = LayerwiseProbe.RunWithStores(network, preprocessor, split, Layers, featureRoot, settings, extraction, log);
        var results = layerwise.Results;

        string report = Path.Combine(options.OutputDirectory, "report");
        string title = $"AP (%) per layer of ResNet-18 (ImageNet, {Path.GetFileName(source.Path)}) on {split.Test.Name}, linear SVM probes trained on {split.TrainVal.Name}";
        var files = LayerwiseReport.Write(report, "layerwise", title, results, $"mAP per layer: ResNet-18 (ImageNet) on {split.Test.Name}").ToList();
        files.AddRange(TableWriters.WriteAll(PaperAnchors.Table9AsTable(), report, "paper-table9"));
        double peakBeforeSections = ResourceUsage.PeakRssMegabytes();
        var inputs = new DemoSectionInputs(report, featureRoot, split, layerwise, settings, log);
        DemoSection[] sections =
        [
            DemoSection.Measure("transforms", log, () => DemoTransformsSection.Run(inputs)),
            DemoSection.Measure("label entropy", log, () => DemoEntropySection.Run(inputs)),
            DemoSection.Measure("grandmother cells", log, () => DemoGrandmotherSection.Run(inputs)),
            DemoSection.Measure("non-linear heads", log, () => DemoHeadsSection.Run(inputs)),
            DemoSection.Measure("cka", log, () => DemoCkaSection.Run(inputs)),
        ];
        var training = options.SkipTraining ? null : DemoSection.Measure("training", log, () =>
        {
            var (trainingFiles, blocks) = DemoTrainingSection.Run(options, report, log);
            return new DemoSection("training", blocks, trainingFiles, new Dictionary<string, double>());
        });
        var all = training is null ? sections : [.. sections, training];
        files.AddRange(all.SelectMany(s => s.Files));
        double peakRss = all.Select(s => s.PeakRssMegabytes).Append(peakBeforeSections).Append(ResourceUsage.PeakRssMegabytes()).Max();
        var page = DemoReadme.Page(options, results, split.Test.Name, clock.Elapsed, sections, training, peakRss);
        AtomicFile.WriteText(Path.Combine(report, "README.md"), MarkdownReport.Render(page));
        files.Add("README.md");

        var manifest = new Manifest
        {
            Task = "demo/layerwise-probe",
            Inputs =
            {
                // The file's own hash; the features are keyed by the adapted graph's (network.Sha256).
                ["network"] = $"{source.Path} sha256:{source.Sha256}",
                ["trainval"] = $"{split.TrainVal.Name} {split.TrainVal.Fingerprint}",
                ["test"] = $"{split.Test.Name} {split.Test.Fingerprint}",
            },
            Settings =
            {
                ["preprocessing"] = preprocessor.Description,
                ["network_adaptation"] = $"dynamic batch, input {options.InputSize}x{options.InputSize} (adapted graph sha256:{network.Sha256})",
                ["layers"] = Layers,
                ["options"] = options,
                ["probe"] = results.Select(r => new { r.Layer, r.Training }).ToList(),
            },
            Measurements =
            {
                ["wall_seconds"] = clock.Elapsed.TotalSeconds,
                ["peak_rss_mib"] = peakRss,
            },
        }.WithOutputs(report, files);
        foreach (var section in all)
            foreach (var (name, value) in section.Measurements) manifest.Measurements[$"{section.Name}.{name}"] = value;
        // The page shows the manifest, so it is written first and then listed in it.
        manifest.WithOutputs(report, [HtmlReport.Write(page, report, manifest)]);
        manifest.Write(Path.Combine(report, "manifest.json"));
        log.WriteLine($"demo: report in {report} ({clock.Elapsed.TotalSeconds:F0}s, peak RSS {peakRss:F0} MiB)");
        return report;
    }

    static ProbeSplit Split(DemoOptions options)
    {
        var train = FashionMnist.Load("train", options.FashionMnistFolder);
        var test = FashionMnist.Load("test", options.FashionMnistFolder);
        int classes = FashionMnist.ClassNames.Count;
        var trainVal = new FashionMnistItems(train, StratifiedSubset.Select(train.Labels, classes, options.TrainPerClass, options.Seed));
        var testItems = new FashionMnistItems(test, StratifiedSubset.Select(test.Labels, classes, options.TestPerClass, options.Seed));
        return ProbeSplit.HalvesPerClass(trainVal, testItems);
    }
}
