using System.Diagnostics;
using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>A small recipe for fine-tuning for detection (R-CNN's windows: 32 foreground of 128, all layers).</summary>
/// <param name="Iterations">SGD iterations (R-CNN: 40,000 on VOC; a study on small data uses a few hundred).</param>
/// <param name="BaseLr">Base learning rate, constant (R-CNN: 0.001).</param>
/// <param name="Batch">Windows per batch (R-CNN: 128).</param>
/// <param name="Seed">Seed of the window sampling and the new classifier.</param>
public sealed record DetectionFineTuneRecipe(int Iterations, double BaseLr, int Batch = 128, int Seed = 1);

/// <summary>
/// Fine-tuning a network for detection the R-CNN way (<see cref="TrainingJob"/> on <c>voc2007-windows</c> data: warped
/// proposal windows labelled by their overlap with the ground truth, an (N+1)-way classifier put in place of the
/// network's own or appended to a headless one) into a content-addressed file under a cache folder: the key is the
/// network's hash, the trainval regions' fingerprint (proposals and cap included) and the recipe, so a rerun trains
/// nothing. Training runs in a temporary folder; the final network is written under its key by rename.
/// </summary>
public static class DetectionFineTuning
{
    /// <summary>
    /// The fine-tuned network (read when its file exists); <paramref name="model"/> is the file or built-in name
    /// <paramref name="network"/> was loaded from, <paramref name="warp"/> the region warp detection uses (part of the key),
    /// <paramref name="context"/> the windows' context pixels (null: R-CNN's 16).
    /// </summary>
    public static (OnnxNetwork Network, string File, bool Trained, double Seconds) Run(string model, OnnxNetwork network, PreprocessingRequest preprocessing,
        IPreprocessor warp, VocRegions trainval, int? context, DetectionFineTuneRecipe recipe, string cache, TextWriter log)
    {
        string key = new Fingerprints().Add(network.Sha256).Add(trainval.Fingerprint).Add(warp.Description)
            .Add(string.Create(CultureInfo.InvariantCulture, $"{recipe.Iterations} {recipe.BaseLr:R} {recipe.Batch} {recipe.Seed}")).Finish()[..20];
        string directory = Path.Combine(cache, "finetune-detection");
        string file = Path.Combine(directory, $"{Path.GetFileNameWithoutExtension(model)}-det-{key}.onnx");
        if (File.Exists(file))
        {
            log.WriteLine($"fine-tuned for detection: {file} (trained before)");
            return (OnnxNetwork.Load(file), file, false, 0);
        }
        var clock = Stopwatch.StartNew();
        string work = Path.Combine(directory, $"{key}.partial-{Environment.ProcessId}");
        try
        {
            string data = $"{DataSources.WindowsSource}:{trainval.Devkit.Root}:{trainval.Split}" +
                          (trainval.MaxProposals is { } n ? $":max-proposals={n.ToString(CultureInfo.InvariantCulture)}" : "") +
                          (context is { } c ? $":context={c.ToString(CultureInfo.InvariantCulture)}" : "");
            log.WriteLine($"fine-tuning {Path.GetFileName(model)} for detection on {data}: {recipe.Iterations} iterations of {recipe.Batch} windows, lr {recipe.BaseLr:G3}");
            TrainingJob.Run(new TrainingJobSettings
            {
                Model = model, Data = data, FineTune = FineTuningMode.AllLayers,
                DataRequest = new TrainingDataRequest { Windows = new WindowSettings(trainval.ProposalsDirectory), Preprocessing = preprocessing },
                Solver = new SolverSettings { BaseLr = recipe.BaseLr, StepSize = recipe.Iterations, MaxIterations = recipe.Iterations },
                Options = new TrainerOptions
                {
                    BatchSize = recipe.Batch, Seed = recipe.Seed, Log = log, LogInterval = Math.Max(10, recipe.Iterations / 5), Threads = 1,
                    Snapshots = [recipe.Iterations], OutputDirectory = work,
                },
            });
            var final = SnapshotFolder.Read(work).Last();
            AtomicFile.WriteBytes(file, File.ReadAllBytes(final.Network.Path));
        }
        finally
        {
            try { if (Directory.Exists(work)) Directory.Delete(work, true); } catch (IOException) { }
        }
        log.WriteLine($"fine-tuned for detection in {clock.Elapsed.TotalSeconds:F0}s → {file}");
        return (OnnxNetwork.Load(file), file, true, clock.Elapsed.TotalSeconds);
    }
}
