using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Training;

/// <summary>
/// Caffe's SGD update, exactly: for each blob with local rate r = lr(iter)·lr_mult and local decay
/// d = weight_decay·decay_mult, <c>g ← ∇ + d·w</c>, <c>v ← momentum·v + r·g</c>, <c>w ← w − v</c>.
/// (torch.optim.SGD folds the rate in after the momentum, which differs from Caffe across a learning-rate step.)
/// The momentum history is part of a snapshot so resuming is bit-exact.
/// </summary>
public sealed class CaffeSgd : IDisposable
{
    readonly IReadOnlyList<ParameterGroup> _groups;
    readonly Tensor?[] _history;

    /// <summary>Creates the solver over the given parameter groups.</summary>
    public CaffeSgd(IReadOnlyList<ParameterGroup> groups, SolverSettings settings)
    {
        settings.Validate();
        _groups = groups;
        Settings = settings;
        _history = new Tensor?[groups.Count];
    }

    /// <summary>The solver settings.</summary>
    public SolverSettings Settings { get; }

    /// <summary>The parameter groups this solver updates.</summary>
    public IReadOnlyList<ParameterGroup> Groups => _groups;

    /// <summary>Zeroes all gradients (call before backward).</summary>
    public void ZeroGrad()
    {
        foreach (var g in _groups) g.Parameter.grad?.zero_();
    }

    /// <summary>Applies one update with the learning rate of <paramref name="iteration"/> (0-based).</summary>
    public void Step(int iteration)
    {
        double rate = Settings.LearningRate(iteration);
        using var noGrad = torch.no_grad();
        for (int i = 0; i < _groups.Count; i++)
        {
            var group = _groups[i];
            if (group.Frozen) continue;
            var w = group.Parameter;
            var grad = w.grad;
            if (grad is null) continue;
            double decay = Settings.WeightDecay * group.DecayMult;
            if (decay != 0) grad.add_(w, alpha: decay);
            // History outlives any dispose scope the caller runs the step in.
            var v = _history[i] ??= zeros_like(w).DetachFromDisposeScope();
            v.mul_(Settings.Momentum).add_(grad, alpha: rate * group.LrMult);
            w.sub_(v);
        }
    }

    /// <summary>The momentum history by parameter name (zeros where no step has happened), for snapshots.</summary>
    public IEnumerable<(string Name, Tensor History)> History() =>
        _groups.Select((g, i) => (g.Name, _history[i] ?? zeros_like(g.Parameter)));

    /// <summary>Restores the momentum history saved by <see cref="History"/>.</summary>
    public void RestoreHistory(IReadOnlyDictionary<string, Tensor> history)
    {
        for (int i = 0; i < _groups.Count; i++)
        {
            if (!history.TryGetValue(_groups[i].Name, out var h)) continue;
            _history[i]?.Dispose();
            _history[i] = h.detach().clone().DetachFromDisposeScope();
        }
    }

    /// <summary>Frees the momentum tensors.</summary>
    public void Dispose()
    {
        foreach (var h in _history) h?.Dispose();
    }
}
