using TorchSharp;

namespace LayerProbe;

/// <summary>
/// torch's process-wide state — its default random generator and its intra-op thread count — is shared by every
/// trainer and head in a process. Work whose result must be exactly reproducible (a training iteration: dropout masks
/// drawn from the generator, reductions whose order follows the thread count) runs under <see cref="Lock"/> and sets
/// the thread count it needs inside it, so concurrent trainers, MLP heads or tests cannot change either mid-step.
/// </summary>
public static class TorchGlobalState
{
    /// <summary>Held while torch's generator is seeded and consumed or a fixed thread count is relied on.</summary>
    public static readonly object Lock = new();

    /// <summary>Sets torch's intra-op thread count to <paramref name="threads"/> when given and different (call under <see cref="Lock"/>).</summary>
    public static void UseThreads(int? threads)
    {
        if (threads is { } t && torch.get_num_threads() != t) torch.set_num_threads(t);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with torch's thread count set to <paramref name="threads"/> (null: left as it is)
    /// and puts the caller's count back afterwards, whatever <paramref name="work"/> set meanwhile.
    /// </summary>
    public static T WithThreads<T>(int? threads, Func<T> work)
    {
        int saved = torch.get_num_threads();
        UseThreads(threads);
        try { return work(); }
        finally { UseThreads(saved); }
    }
}
