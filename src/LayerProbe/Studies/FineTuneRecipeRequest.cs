using LayerProbe.Data;
using LayerProbe.Networks;
using LayerProbe.Regions;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>
/// What a study's fine-tuning recipe is made from (<see cref="FineTuneRecipe.Open"/>): the data specification as for
/// <c>layerprobe train</c> (Fashion-MNIST tensors, image items, or R-CNN windows <c>voc2007-windows:DEVKIT:SPLIT</c>
/// with a proposals store), the network the data are fed for, the input convention asked for, the solver and the
/// trainer options.
/// </summary>
public sealed record FineTuneRecipeRequest
{
    /// <summary>Fine-tuning data (<see cref="DataSources.Training"/>).</summary>
    public required string Data { get; init; }
    /// <summary>R-CNN window settings of <c>voc2007-windows:</c> data (the proposals store, label rule, warp); null for other data.</summary>
    public WindowSettings? Windows { get; init; }
    /// <summary>A network of the study: image items and windows are fed in its input convention.</summary>
    public required OnnxNetwork Network { get; init; }
    /// <summary>The input convention asked for (image items and windows only).</summary>
    public PreprocessingRequest Preprocessing { get; init; } = PreprocessingRequest.Automatic;
    /// <summary>The solver (max_iter included).</summary>
    public required SolverSettings Solver { get; init; }
    /// <summary>Batch, seed, threads, log (snapshots and output folder are ignored).</summary>
    public required TrainerOptions Options { get; init; }
    /// <summary>fc-only: re-draw fc6/fc7 with He initialisation (<see cref="FineTuneRecipe.HeFcInit"/>).</summary>
    public bool HeFcInit { get; init; }

    /// <summary>
    /// R-CNN's fine-tuning for detection on the trainval regions of a detection task: the windows of the same devkit
    /// and split (<c>voc2007-windows:DEVKIT:SPLIT</c>) with the regions' proposals store, unless
    /// <paramref name="windows"/> names another store; the other window settings as given.
    /// </summary>
    public static (string Data, WindowSettings Windows) WindowsOf(VocRegions trainVal, WindowSettings? windows) =>
        ($"{DataSources.WindowsSource}:{trainVal.Devkit.Root}:{trainVal.Split}",
         (windows ?? new WindowSettings(null)) with { Proposals = windows?.Proposals ?? trainVal.ProposalsDirectory });
}

public sealed partial record FineTuneRecipe
{
    /// <summary>
    /// The recipe of <paramref name="request"/>: its data opened from <paramref name="sources"/> (a train source and,
    /// for image items and Fashion-MNIST, the held-out source), image items and windows fed in the network's input
    /// convention. Options that do not apply to the data are one-line errors, as for <c>layerprobe train</c>.
    /// </summary>
    public static FineTuneRecipe Open(FineTuneRecipeRequest request, DataSources? sources = null)
    {
        sources ??= DataSources.Default;
        bool fed = sources.IsImageData(request.Data) || DataSources.IsWindowData(request.Data);
        var (train, test) = sources.Training(request.Data, new TrainingDataRequest
        {
            Network = request.Network, Windows = request.Windows, Preprocessing = fed ? request.Preprocessing : null, Log = request.Options.Log,
        });
        return new FineTuneRecipe(train, test, request.Solver, request.Options) { HeFcInit = request.HeFcInit };
    }
}
