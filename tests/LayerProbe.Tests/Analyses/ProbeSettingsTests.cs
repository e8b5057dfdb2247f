using LayerProbe.Analyses;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Analyses;

public class ProbeSettingsTests
{
    [Fact]
    public void EachSolverComesWithItsOwnDefaults()
    {
        var dual = ProbeSettings.For("dual-cd");
        Assert.Equal(SvmLoss.SquaredHinge, dual.Svm.Loss);
        Assert.Equal(DualCoordinateDescentSvm.DefaultTolerance, dual.Svm.Tolerance);
        Assert.Equal(1, dual.Svm.PositiveWeight);
        var newton = ProbeSettings.For("batched-newton");
        Assert.Equal(BatchedNewtonSvm.DefaultTolerance, newton.Svm.Tolerance);
        Assert.Equal(1, newton.Svm.PositiveWeight);
        Assert.Equal("batched-newton", newton.Solver);
        Assert.Equal(new ProbeSettings(), dual);
    }

    [Fact]
    public void UnknownSolverIsNamedWithTheKnownOnes()
    {
        var e = Assert.Throws<LayerProbeException>(() => ProbeSettings.For("sgd"));
        Assert.Equal("solver: unknown solver 'sgd' (dual-cd, batched-newton)", e.Message);
        Assert.Equal("solver", e.Parameter); // the CLI names its flag, --solver
    }
}
