namespace LayerProbe.Training;

/// <summary>
/// Caffe solver settings (solver.prototxt vocabulary): SGD with momentum, L2 weight decay and one of Caffe's
/// learning-rate policies (lr_policy), counted in iterations. Defaults are the R-CNN fine-tuning recipe (docs/method.md §1.5).
/// </summary>
public sealed record SolverSettings
{
    /// <summary>Caffe's lr_policy names this solver knows.</summary>
    public static readonly IReadOnlyList<string> Policies = ["fixed", "step", "multistep", "poly", "inv", "exp"];

    /// <summary>lr_policy: one of <see cref="Policies"/>.</summary>
    public string LrPolicy { get; init; } = "step";
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
    /// <summary>stepvalue list of the multistep policy (iterations, ascending).</summary>
    public IReadOnlyList<int> StepValues { get; init; } = [];
    /// <summary>power of the poly and inv policies.</summary>
    public double Power { get; init; } = 1.0;
    /// <summary>max_iter.</summary>
    public int MaxIterations { get; init; } = 70_000;

    /// <summary>
    /// Learning rate at <paramref name="iteration"/> as Caffe's SGDSolver::GetLearningRate computes it:
    /// fixed base_lr; step base_lr·γ^⌊iter/stepsize⌋; multistep base_lr·γ^(stepvalues passed); poly
    /// base_lr·(1 − iter/max_iter)^power; inv base_lr·(1 + γ·iter)^−power; exp base_lr·γ^iter.
    /// </summary>
    public double LearningRate(int iteration) => LrPolicy switch
    {
        "fixed" => BaseLr,
        "step" => BaseLr * Math.Pow(Gamma, iteration / StepSize),
        "multistep" => BaseLr * Math.Pow(Gamma, StepValues.Count(v => iteration >= v)),
        "poly" => BaseLr * Math.Pow(Math.Max(0.0, 1.0 - (double)iteration / MaxIterations), Power),
        "inv" => BaseLr * Math.Pow(1.0 + Gamma * iteration, -Power),
        "exp" => BaseLr * Math.Pow(Gamma, iteration),
        _ => throw UnknownPolicy(),
    };

    LayerProbeException UnknownPolicy() => new($"solver: unknown lr_policy '{LrPolicy}' (known: {string.Join(", ", Policies)})");

    /// <summary>Throws a <see cref="LayerProbeException"/> for settings no solver can run.</summary>
    public void Validate()
    {
        if (!(BaseLr > 0)) throw new LayerProbeException($"solver: base_lr must be > 0 (got {BaseLr})");
        if (Momentum is < 0 or >= 1) throw new LayerProbeException($"solver: momentum must be in [0, 1) (got {Momentum})");
        if (WeightDecay < 0) throw new LayerProbeException($"solver: weight_decay must be ≥ 0 (got {WeightDecay})");
        if (StepSize <= 0) throw new LayerProbeException($"solver: stepsize must be > 0 (got {StepSize})");
        if (MaxIterations <= 0) throw new LayerProbeException($"solver: max_iter must be > 0 (got {MaxIterations})");
        if (!Policies.Contains(LrPolicy)) throw UnknownPolicy();
        if (LrPolicy == "multistep" && (StepValues.Count == 0 || StepValues.Zip(StepValues.Skip(1)).Any(p => p.Second <= p.First) || StepValues[0] <= 0))
            throw new LayerProbeException($"solver: multistep needs ascending positive stepvalues (got [{string.Join(",", StepValues)}])");
    }

    /// <summary>The parameters the lr_policy reads, in solver.prototxt names (a manifest records only these).</summary>
    public IEnumerable<(string Key, object Value)> PolicyParameters()
    {
        if (LrPolicy is "step" or "multistep" or "inv" or "exp") yield return ("gamma", Gamma);
        if (LrPolicy == "step") yield return ("stepsize", StepSize);
        if (LrPolicy == "multistep") yield return ("stepvalue", StepValues);
        if (LrPolicy is "poly" or "inv") yield return ("power", Power);
    }
}
