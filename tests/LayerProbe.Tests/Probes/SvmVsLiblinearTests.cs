using LayerProbe.Probes;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Probes;

/// <summary>
/// Our solvers against the reference <c>liblinear-train</c> on the same seeded problem (R-CNN settings w1 = 2, B = 10,
/// features scaled to mean norm 20). Both sides solve to a tight tolerance so the comparison is between optima of the
/// same objective: decision values must correlate ≥ 0.999 and per-class AP (in %) agree within 0.3 points.
/// </summary>
public class SvmVsLiblinearTests(ITestOutputHelper output) : IDisposable
{
    const double C = 0.01;
    readonly string _dir = Directory.CreateTempSubdirectory("lp-liblinear-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    (IFeatureRows X, OneVsRestLabels Labels) Problem()
    {
        var (x, labels) = SyntheticClusters.Make(n: 360, d: 120, k: 4, separation: 0.12, seed: 11);
        return (FeatureScaling.Estimate(x, seed: 5).Apply(x), labels);
    }

    LinearModel Reference(IFeatureRows x, ReadOnlySpan<sbyte> labels, string solver, int c)
    {
        var trainer = LiblinearFiles.FindTrainer()!;
        string prob = Path.Combine(_dir, $"p{c}.txt"), model = Path.Combine(_dir, $"m{solver}{c}.txt");
        LiblinearFiles.WriteProblem(prob, x, labels);
        LiblinearFiles.Train(trainer, $"-s {solver} -c {C} -w1 2 -B 10 -e 0.0001", prob, model);
        return LiblinearFiles.ReadModel(model, x.Dimensions);
    }

    void Compare(IFeatureRows x, OneVsRestLabels labels, LinearModel[] ours, string solver)
    {
        for (int c = 0; c < labels.Classes; c++)
        {
            var reference = Reference(x, labels.Of(c), solver, c);
            double[] a = ours[c].Decisions(x), b = reference.Decisions(x);
            double r = SyntheticClusters.Correlation(a, b);
            double apOurs = 100 * VocAp.Classification(a, labels.Of(c)).ElevenPoint;
            double apRef = 100 * VocAp.Classification(b, labels.Of(c)).ElevenPoint;
            output.WriteLine($"-s {solver} class {c}: r = {r:F6}, AP ours {apOurs:F2} liblinear {apRef:F2}, bias {ours[c].Bias:F4} vs {reference.Bias:F4}");
            Assert.True(r >= 0.999, $"class {c}: correlation {r}");
            Assert.True(Math.Abs(apOurs - apRef) <= 0.3, $"class {c}: AP {apOurs} vs {apRef}");
            Assert.InRange(apRef, 50, 99.99); // the problem is neither trivial nor hopeless
        }
    }

    [LiblinearFact]
    public void DualCoordinateDescentHingeMatchesLiblinearType3()
    {
        var (x, labels) = Problem();
        var settings = new SvmSettings(SvmLoss.Hinge, C, 2, 10, Tolerance: 1e-4);
        Compare(x, labels, DualCoordinateDescentSvm.TrainOneVsRest(x, labels, settings), "3");
    }

    [LiblinearFact]
    public void DualCoordinateDescentSquaredHingeMatchesLiblinearType1()
    {
        var (x, labels) = Problem();
        var settings = new SvmSettings(SvmLoss.SquaredHinge, C, 2, 10, Tolerance: 1e-4);
        Compare(x, labels, DualCoordinateDescentSvm.TrainOneVsRest(x, labels, settings), "1");
    }

    [LiblinearFact]
    public void ProbeDefaultsMatchConvergedLiblinearType1()
    {
        // The probes' default tolerance (0.01, not liblinear's 0.1) must already sit at liblinear's converged optimum.
        var (x, labels) = Problem();
        Compare(x, labels, DualCoordinateDescentSvm.TrainOneVsRest(x, labels, (SvmSettings.Probe with { C = C, PositiveWeight = 2 })), "1");
    }

    [LiblinearFact]
    public void BatchedNewtonMatchesLiblinearType1()
    {
        var (x, labels) = Problem();
        var models = BatchedNewtonSvm.Train(x, labels, BatchedNewtonSvm.Tuned(SvmSettings.Probe with { C = C, PositiveWeight = 2 }), out var report);
        output.WriteLine(report.ToString());
        Assert.True(report.Converged);
        Compare(x, labels, models, "1");
    }
}

/// <summary>A fact that is skipped, with the reason, when <c>liblinear-train</c> is not on PATH (never on CI: see ExternalReferences).</summary>
public sealed class LiblinearFactAttribute : FactAttribute
{
    public LiblinearFactAttribute()
    {
        if (References.ExternalReference.SkipReason(References.ExternalReferences.Get("liblinear-train")) is { } why) Skip = why;
    }
}
