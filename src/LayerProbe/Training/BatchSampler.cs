namespace LayerProbe.Training;

/// <summary>
/// The items of each iteration: the training set is walked in a seeded random order, reshuffled every epoch; batch
/// <c>i</c> holds positions <c>i·B … i·B + B − 1</c> of that endless sequence. A pure function of (seed, iteration).
/// </summary>
public sealed class BatchSampler(int count, int batchSize, int seed)
{
    int[]? _order;
    long _orderEpoch = -1;

    /// <summary>Writes the item indices of <paramref name="iteration"/> into <paramref name="indices"/> (length B).</summary>
    public void Batch(long iteration, Span<int> indices)
    {
        for (int k = 0; k < batchSize; k++)
        {
            long position = iteration * batchSize + k;
            indices[k] = Order(position / count)[(int)(position % count)];
        }
    }

    int[] Order(long epoch)
    {
        if (_orderEpoch == epoch) return _order!;
        _order ??= new int[count];
        for (int i = 0; i < count; i++) _order[i] = i;
        var random = TrainingSeeds.Random(seed, TrainingSeeds.Sampling, epoch);
        for (int i = count - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }
        _orderEpoch = epoch;
        return _order;
    }
}
