namespace LayerProbe.Training;

/// <summary>
/// A training source that composes each iteration's batch itself (which items, how they are augmented) instead of the
/// trainer's <see cref="BatchSampler"/> + <see cref="Augmentation"/>, e.g. R-CNN windows drawn 25 % foreground and
/// mirrored inside the warp. Its batches must be pure functions of (seed, iteration) so resumes stay exact.
/// </summary>
public interface IBatchComposingSource : ITrainingSource
{
    /// <summary>
    /// Writes the batch of <paramref name="iteration"/> (<c>labels.Length</c> items of <see cref="ITrainingSource.ItemShape"/>)
    /// into <paramref name="inputs"/> and <paramref name="labels"/>.
    /// </summary>
    void FillBatch(int seed, long iteration, Span<float> inputs, Span<long> labels);
}
