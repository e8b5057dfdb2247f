namespace LayerProbe.Training;

/// <summary>
/// Caffe solver settings (solver.prototxt vocabulary): SGD with momentum, L2 weight decay and the "step" learning-rate
/// policy, counted in iterations. Defaults are the R-CNN fine-tuning recipe (METHOD.md §1.5).
/// </summary>
public sealed record SolverSettings
{
    /// <summary>base_lr.</summary>
    public double BaseLr { get; init; } = 0.001;
    /// <summary>momentum.</summary>
    public double Momentum { get; init; } = 0.9;
    /// <summary>weight_decay (L2).</summary>
    public double WeightDecay { get; init; } = 0.0005;
    /// <summary>gamma of the step policy.</summary>
    public double Gamma { get; init; } = 0.1;
    /// <summary>stepsize of the step policy (iterations).</summary>
    public int StepSize { get; init; } = 20_000;
    /// <summary>max_iter.</summary>
    public int MaxIterations { get; init; } = 70_000;

    /// <summary>Learning rate of the step policy at <paramref name="iteration"/>: base_lr · gamma^floor(iter / stepsize).</summary>
    public double LearningRate(int iteration) => BaseLr * Math.Pow(Gamma, iteration / StepSize);

    /// <summary>Throws a <see cref="LayerProbeException"/> for settings no solver can run.</summary>
    public void Validate()
    {
        if (!(BaseLr > 0)) throw new LayerProbeException($"solver: base_lr must be > 0 (got {BaseLr})");
        if (Momentum is < 0 or >= 1) throw new LayerProbeException($"solver: momentum must be in [0, 1) (got {Momentum})");
        if (WeightDecay < 0) throw new LayerProbeException($"solver: weight_decay must be ≥ 0 (got {WeightDecay})");
        if (StepSize <= 0) throw new LayerProbeException($"solver: stepsize must be > 0 (got {StepSize})");
        if (MaxIterations <= 0) throw new LayerProbeException($"solver: max_iter must be > 0 (got {MaxIterations})");
    }
}
