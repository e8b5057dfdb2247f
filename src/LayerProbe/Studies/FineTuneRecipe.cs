using LayerProbe.Networks;
using LayerProbe.Networks.Torch;
using LayerProbe.Training;

namespace LayerProbe.Studies;

/// <summary>
/// One fine-tuning recipe applied identically to any starting network (docs/method.md §1.5 set-up via
/// <see cref="FineTuning.Prepare"/>: classifier replaced by a task-sized one at ×10/×20; for fc-only also conv layers
/// frozen and fc6/fc7 re-initialised), trained with <see cref="Trainer"/>. Same data, solver, seed and options for every
/// start, so differences between results come from the starting network alone.
/// </summary>
/// <param name="Train">Fine-tuning data (the target task).</param>
/// <param name="Test">Held-out items for top-1 accuracy (or null).</param>
/// <param name="Solver">Solver settings (iterations, lr policy).</param>
/// <param name="Options">Trainer options (batch, seed, augmentation, log); snapshots and output folder are ignored.</param>
public sealed partial record FineTuneRecipe(ITrainingSource Train, ITrainingSource? Test, SolverSettings Solver, TrainerOptions Options)
{
    /// <summary>
    /// fc-only: re-draw fc6/fc7 with He initialisation (biases 0) instead of the paper's Gaussian 0.005 / bias 1 — for
    /// networks pre-trained from He initialisation (CaffeNet-mini), whose fc layers never had the 0.005 scale; with it,
    /// a short fine-tuning stays at chance loss.
    /// </summary>
    public bool HeFcInit { get; init; }

    /// <summary>Fine-tunes <paramref name="start"/> in <paramref name="mode"/>; writes the result to <paramref name="output"/> (ONNX) and returns it with its held-out top-1.</summary>
    public (OnnxNetwork Network, double? HeldOutTop1) Run(OnnxNetwork start, FineTuningMode mode, string output)
    {
        var (prepared, multipliers) = Prepare(start, mode);
        var options = Options with { TestSource = Test, Snapshots = [], OutputDirectory = null };
        using var trainer = new Trainer(prepared, Train, Solver, multipliers, options);
        var rows = trainer.Run().Rows;
        var bytes = trainer.Network.WriteBackBytes();
        AtomicFile.WriteBytes(output, bytes);
        return (OnnxNetwork.FromBytes(bytes, output), rows.Count > 0 ? rows[^1].TestAccuracy : null);
    }

    /// <summary>Checks the recipe against <paramref name="start"/> before any training (class count, shapes, solver) — one clear line on failure.</summary>
    public void Check(OnnxNetwork start, FineTuningMode mode)
    {
        var (prepared, multipliers) = Prepare(start, mode);
        TrainingValidation.Check(prepared, Train, Solver, multipliers, Options with { TestSource = Test, Snapshots = [] });
    }

    (OnnxNetwork Network, LrMultipliers Multipliers) Prepare(OnnxNetwork start, FineTuningMode mode)
    {
        var (network, multipliers, _) = FineTuning.Prepare(start, Train.Classes, mode, Options.Seed, heFcInit: HeFcInit);
        return (network, multipliers);
    }
}
