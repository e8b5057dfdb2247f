using System.CommandLine;
using LayerProbe.Training;

namespace LayerProbe.Cli;

/// <summary>
/// The Caffe solver options shared by the commands that train (<c>train</c>, <c>short-pretraining</c>): base_lr,
/// lr_policy with its stepsize/stepvalues/power/gamma, momentum and weight decay; <see cref="Settings"/> turns them and
/// max_iter into <see cref="SolverSettings"/>.
/// </summary>
sealed class SolverOptions(double defaultLr)
{
    readonly Option<double> _lr = new("--lr") { Description = "base_lr", DefaultValueFactory = _ => defaultLr };
    readonly Option<string> _policy = OptionCatalogue.Choice("--lr-policy", "Caffe lr_policy (default: step when --step is given, else fixed)", SolverSettings.Policies);
    readonly Option<int?> _step = new("--step") { Description = "stepsize of the step policy (default: never)" };
    readonly Option<string?> _stepValues = new("--stepvalues") { Description = "multistep: comma-separated iterations where lr is multiplied by gamma" };
    readonly Option<double> _power = new("--power") { Description = "power of the poly and inv policies", DefaultValueFactory = _ => 1.0 };
    readonly Option<double> _gamma = new("--gamma") { Description = "gamma of the step, multistep, inv and exp policies", DefaultValueFactory = _ => 0.1 };
    readonly Option<double> _momentum = new("--momentum") { Description = "SGD momentum", DefaultValueFactory = _ => 0.9 };
    readonly Option<double> _decay = new("--weight-decay") { Description = "L2 weight decay", DefaultValueFactory = _ => 0.0005 };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { _lr, _policy, _step, _stepValues, _power, _gamma, _momentum, _decay }) command.Options.Add(o);
    }

    /// <summary>The solver settings for <paramref name="maxIterations"/> iterations (validated by the trainer).</summary>
    public SolverSettings Settings(ParseResult parse, int maxIterations) => new()
    {
        BaseLr = parse.GetValue(_lr), LrPolicy = parse.GetValue(_policy) ?? (parse.GetValue(_step) is null ? "fixed" : "step"),
        StepSize = parse.GetValue(_step) ?? Math.Max(maxIterations, 1),
        StepValues = ParseIterations(parse.GetValue(_stepValues), "--stepvalues"), Power = parse.GetValue(_power), Gamma = parse.GetValue(_gamma),
        Momentum = parse.GetValue(_momentum), WeightDecay = parse.GetValue(_decay), MaxIterations = maxIterations,
    };

    /// <summary>A comma-separated list of iterations (empty when not given); anything else is a one-line error naming <paramref name="option"/>.</summary>
    public static List<int> ParseIterations(string? text, string option) =>
        string.IsNullOrWhiteSpace(text) ? [] : text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(s => int.TryParse(s, out int v) ? v : throw new LayerProbeException($"{option}: '{s}' is not an iteration number")).ToList();
}
