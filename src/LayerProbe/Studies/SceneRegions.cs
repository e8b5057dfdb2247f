using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Proposals;
using LayerProbe.Regions;
using LayerProbe.Scenes;

namespace LayerProbe.Studies;

/// <summary>Region data a study made for itself: the devkit, its trainval and test proposals stores, and the cap per image.</summary>
/// <param name="Devkit">The devkit's year folder (<c>…/VOC2007</c>).</param>
/// <param name="TrainValProposals">Proposals store of the trainval images.</param>
/// <param name="TestProposals">Proposals store of the test images.</param>
/// <param name="MaxProposals">Proposals kept per image (the first N in rank order), or null for all.</param>
/// <param name="Seconds">Seconds spent making what was not there yet (0 when everything was reused).</param>
public sealed record SceneRegionData(string Devkit, string TrainValProposals, string TestProposals, int? MaxProposals, double Seconds)
{
    /// <summary>The data specification of a split's region items (<c>voc2007:DEVKIT:SPLIT:proposals:STORE[:max-proposals=N]</c>).</summary>
    public string Specification(string split) =>
        $"voc2007:{Devkit}:{split}:proposals:{(split == "test" ? TestProposals : TrainValProposals)}" +
        (MaxProposals is { } n ? $":max-proposals={n.ToString(CultureInfo.InvariantCulture)}" : "");
}

/// <summary>
/// Makes the data a detection study needs from what ships with the tool: a Fashion-MNIST scenes devkit
/// (<see cref="FashionScenes"/>, in a folder named by its settings) and selective-search proposals of its trainval and
/// test images (<see cref="ProposalRun"/>, content-addressed stores), all under a cache folder, so a rerun finds them
/// and computes nothing. Also states the proposals' recall of the ground truth with and without the cap.
/// </summary>
public static class SceneRegions
{
    /// <summary>Makes (or finds) the scenes and their proposals under <paramref name="cache"/>.</summary>
    public static SceneRegionData Prepare(SceneSettings scenes, string proposalMode, int? maxProposals, string cache, TextWriter log)
    {
        var clock = Stopwatch.StartNew();
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        string folder = Path.Combine(cache, $"scenes-{I(scenes.Images)}-seed{I(scenes.Seed)}-{I(scenes.Width)}x{I(scenes.Height)}-test{I(scenes.TestPercent)}");
        var made = FashionScenes.Generate(scenes, folder, log);
        if (!made.AlreadyComplete) log.WriteLine($"scenes: {made.TrainVal} trainval + {made.Test} test images ({made.Objects} objects) in {made.SceneSeconds:F1}s → {made.YearFolder}");
        var settings = SelectiveSearchSettings.ForMode(proposalMode);
        int computed = 0;
        string Store(string split)
        {
            var images = ImageFileSet.FromSpec($"voc2007:{made.YearFolder}:{split}");
            var result = ProposalRun.Compute(images, settings, Path.Combine(cache, "proposals"), Environment.ProcessorCount,
                new InlineProgress<long>(new Progress($"proposals {images.Name}", images.Count, log).Report));
            computed += result.Computed;
            if (result.Computed > 0) log.WriteLine($"proposals {images.Name}: {result.Computed} images computed → {result.Directory}");
            return result.Directory;
        }
        string trainval = Store("trainval"), test = Store("test");
        bool reused = made.AlreadyComplete && computed == 0;
        return new SceneRegionData(made.YearFolder, trainval, test, maxProposals, reused ? 0 : clock.Elapsed.TotalSeconds);
    }

    /// <summary>Proposals per image and recall at IoU 0.5 (and mean best overlap) of the non-difficult GT boxes, as capped by <paramref name="regions"/>.</summary>
    public static (double ProposalsPerImage, double Recall, double Mabo) Quality(VocRegions regions)
    {
        var best = new List<double>();
        long proposals = 0;
        for (int i = 0; i < regions.Images; i++)
        {
            var boxes = regions.Proposals(i);
            proposals += boxes.Length;
            best.AddRange(ProposalQuality.BestOverlaps([.. regions.Annotation(i).Objects.Where(o => !o.Difficult).Select(o => o.Box)], boxes));
        }
        var (recall, mabo) = ProposalQuality.Summarise(best);
        return (proposals / (double)Math.Max(1, regions.Images), recall, mabo);
    }
}
