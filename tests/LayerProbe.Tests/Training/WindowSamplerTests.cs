using LayerProbe.Training;

namespace LayerProbe.Tests.Training;

/// <summary>Batch composition and determinism of the R-CNN window draws.</summary>
public class WindowSamplerTests
{
    static (int Index, bool Mirror)[] Draws(WindowSampler sampler, long iteration)
    {
        var draws = new (int, bool)[sampler.BatchSize];
        sampler.Batch(iteration, draws);
        return draws;
    }

    [Fact]
    public void A_batch_of_128_is_32_foreground_then_96_background_draws_within_their_pools()
    {
        var sampler = new WindowSampler(foreground: 5, background: 300, batchSize: 128, seed: 7);
        Assert.Equal(32, sampler.ForegroundPerBatch);
        var draws = Draws(sampler, 3);
        Assert.All(draws[..32], d => Assert.InRange(d.Index, 0, 4));
        Assert.All(draws[32..], d => Assert.InRange(d.Index, 0, 299));
        Assert.True(draws[..32].Select(d => d.Index).Distinct().Count() < 32); // with replacement from 5 windows
        int mirrored = Enumerable.Range(0, 50).Sum(i => Draws(sampler, i).Count(d => d.Mirror));
        Assert.InRange(mirrored, 50 * 128 * 0.45, 50 * 128 * 0.55);
    }

    [Fact]
    public void Draws_are_a_pure_function_of_seed_and_iteration()
    {
        var a = new WindowSampler(40, 400, 128, seed: 1);
        var b = new WindowSampler(40, 400, 128, seed: 1);
        var draws9 = Draws(a, 9);
        _ = Draws(b, 2); // order of calls does not matter
        Assert.Equal(draws9, Draws(b, 9));
        Assert.NotEqual(draws9, Draws(a, 10));
        Assert.NotEqual(draws9, Draws(new WindowSampler(40, 400, 128, seed: 2), 9));
        Assert.All(Draws(new WindowSampler(40, 400, 128, 1, mirror: false), 9), d => Assert.False(d.Mirror));
    }

    [Fact]
    public void Empty_pools_are_refused()
    {
        Assert.Contains("no foreground", Assert.Throws<LayerProbeException>(() => new WindowSampler(0, 10, 128, 0)).Message);
        Assert.Contains("no background", Assert.Throws<LayerProbeException>(() => new WindowSampler(10, 0, 128, 0)).Message);
    }
}
