using LayerProbe.Data;

namespace LayerProbe.Analyses;

/// <summary>
/// The data of a probing task, PASCAL style: probes are trained on trainval with C chosen on val after training on
/// train (docs/method.md §2.1), then scored on test.
/// </summary>
/// <param name="TrainVal">Items the probes learn from.</param>
/// <param name="Test">Items the probes are scored on.</param>
/// <param name="Train">Indices into <paramref name="TrainVal"/> used to fit each C of the grid.</param>
/// <param name="Validation">Indices into <paramref name="TrainVal"/> that pick C.</param>
public sealed record ProbeSplit(ILabelledItemSet TrainVal, ILabelledItemSet Test, int[] Train, int[] Validation)
{
    /// <summary>
    /// Splits a single-label trainval set into train/val halves per class (alternating within each class in item
    /// order), so both halves keep the class balance.
    /// </summary>
    public static ProbeSplit HalvesPerClass(ILabelledItemSet trainVal, ILabelledItemSet test)
    {
        var classOf = trainVal.Labels.ClassIndex
            ?? throw new LayerProbeException($"{trainVal.Name}: multi-label sets need an explicit train/val split");
        var seen = new int[trainVal.Labels.Classes.Count];
        var train = new List<int>();
        var validation = new List<int>();
        for (int i = 0; i < classOf.Length; i++)
            (seen[classOf[i]]++ % 2 == 0 ? train : validation).Add(i);
        return new ProbeSplit(trainVal, test, [.. train], [.. validation]);
    }

    /// <summary>
    /// Train = the trainval items whose ids are in <paramref name="trainIds"/> (e.g. VOC's train.txt), val = the rest;
    /// without ids, single-label sets split <see cref="HalvesPerClass"/> and multi-label sets alternate items.
    /// </summary>
    public static ProbeSplit Create(ILabelledItemSet trainVal, ILabelledItemSet test, IEnumerable<string>? trainIds = null)
    {
        if (trainIds is null && trainVal.Labels.ClassIndex is not null) return HalvesPerClass(trainVal, test);
        var isTrain = trainIds?.ToHashSet();
        var all = Enumerable.Range(0, trainVal.Count).ToList();
        var train = all.Where(i => isTrain?.Contains(trainVal.Id(i)) ?? i % 2 == 0).ToArray();
        var validation = all.Except(train).ToArray();
        return new ProbeSplit(trainVal, test, train, validation);
    }

    /// <summary>Checks that both sets name the same classes in the same order.</summary>
    public void Validate()
    {
        if (!TrainVal.Labels.Classes.SequenceEqual(Test.Labels.Classes))
            throw new LayerProbeException($"{Test.Name}: its classes differ from those of {TrainVal.Name}");
        if (Train.Length == 0 || Validation.Length == 0)
            throw new LayerProbeException($"{TrainVal.Name}: the train and validation parts must both be non-empty");
    }
}
