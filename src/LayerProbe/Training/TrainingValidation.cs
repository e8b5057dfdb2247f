using LayerProbe.Networks;

namespace LayerProbe.Training;

/// <summary>
/// Checks a training set-up before the first iteration, so a mistake costs one clear line instead of hours:
/// batch size, solver, snapshot iterations, multiplier layer names, class count and input shape against the network.
/// </summary>
public static class TrainingValidation
{
    /// <summary>Throws a <see cref="LayerProbeException"/> for the first problem found.</summary>
    public static void Check(OnnxNetwork network, ITrainingSource source, SolverSettings solver, LrMultipliers multipliers, TrainerOptions options)
    {
        if (options.BatchSize <= 0) throw new LayerProbeException($"train: batch size must be > 0 (got {options.BatchSize})");
        if (options.LogInterval <= 0) throw new LayerProbeException($"train: log interval must be > 0 (got {options.LogInterval})");
        if (options.AverageLoss <= 0) throw new LayerProbeException($"train: average_loss must be > 0 (got {options.AverageLoss})");
        if (options.TestInterval < 0) throw new LayerProbeException($"train: test interval must be ≥ 0 (got {options.TestInterval})");
        if (options.TestBatchSize <= 0) throw new LayerProbeException($"train: test batch size must be > 0 (got {options.TestBatchSize})");
        solver.Validate();
        foreach (var s in options.Snapshots)
            if (s <= 0 || s > solver.MaxIterations)
                throw new LayerProbeException($"train: snapshot iteration {s} is outside 1…{solver.MaxIterations} (max_iter)");
        if (source.Count <= 0) throw new LayerProbeException($"{source.Name}: no training items");
        if (source is IBatchComposingSource && options.Augmentation != Augmentation.None)
            throw new LayerProbeException($"{source.Name}: composes its own batches (warp, mirror); crop and mirror augmentation do not apply");

        var roles = ParameterRoles.Of(network.Model);
        var unknown = multipliers.Unknown(roles);
        if (unknown.Count > 0)
            throw LayerProbeException.For(network.Path, $"lr multipliers name unknown layer(s) {string.Join(", ", unknown)} (layers with parameters: " +
                $"{string.Join(", ", roles.Owners.Take(40))}{(roles.Owners.Count > 40 ? ", …" : "")})");

        var classifier = ClassifierLayer.Find(network.Model, options.Classifier, network.Path);
        foreach (var data in new[] { source, options.TestSource }.OfType<ITrainingSource>())
        {
            if (data.Classes != classifier.Classes)
                throw LayerProbeException.For(network.Path, $"{classifier.LayerName} has {classifier.Classes} outputs but {data.Name} has {data.Classes} classes (fine-tune to replace the classifier)");
            options.Augmentation.Validate(data.ItemShape, data.Name);
            if (options.TestSource is not null && !data.ItemShape.SequenceEqual(source.ItemShape))
                throw new LayerProbeException($"{data.Name}: items are [{string.Join(",", data.ItemShape)}] but {source.Name} items are [{string.Join(",", source.ItemShape)}]");
        }
        var shape = options.Augmentation.OutputShape(source.ItemShape);
        var declared = network.InputShape;
        if (declared.Length == shape.Length + 1)
            for (int d = 0; d < shape.Length; d++)
                if (declared[d + 1] > 0 && declared[d + 1] != shape[d])
                    throw LayerProbeException.For(network.Path, $"input is [{string.Join(",", declared.Skip(1))}] but training items arrive as [{string.Join(",", shape)}] (after cropping)");
    }
}
