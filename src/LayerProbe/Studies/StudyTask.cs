using LayerProbe.Analyses;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Studies;

/// <summary>
/// The probe task shared by the training studies: the labelled split, how each network's inputs are made, the probe
/// settings and where features are cached. Every network of a study is probed on exactly this task.
/// </summary>
/// <param name="Split">Trainval/test items and the train/val halves that choose C.</param>
/// <param name="Preprocessor">The preprocessor of a network (networks of one run share it).</param>
/// <param name="Settings">Linear-SVM probe settings.</param>
/// <param name="StoreRoot">Feature cache folder (stores are keyed by network hash, so networks never collide).</param>
public sealed record StudyTask(ProbeSplit Split, Func<OnnxNetwork, IPreprocessor> Preprocessor, ProbeSettings Settings, string StoreRoot)
{
    /// <summary>Extraction settings (float32 by default).</summary>
    public ExtractionOptions Extraction { get; init; } = new();
    /// <summary>Where progress lines go (null: standard error).</summary>
    public TextWriter? Log { get; init; }

    /// <summary>
    /// The preprocessor of a network trained by <c>layerprobe train</c>: the convention its builder recorded (grey for the
    /// one-channel CaffeNet-mini, with the Fashion-MNIST training source's mean pixel and scale; Caffe's for colour).
    /// </summary>
    public static IPreprocessor DefaultPreprocessor(OnnxNetwork network) => Preprocessing.For(network);

    /// <summary>Preprocessors as <paramref name="request"/> asks (the command line's <c>--preprocess</c> and overrides).</summary>
    public static Func<OnnxNetwork, IPreprocessor> Preprocessors(PreprocessingRequest request) =>
        network => Preprocessing.For(network, request);

    /// <summary>
    /// The task from data specifications (<see cref="DataSources"/>): <paramref name="trainVal"/> and <paramref name="test"/>
    /// resolved for <paramref name="network"/> (any network of the study; it only decides how items are read), optionally
    /// cut to <paramref name="classes"/> (relabelled), probed with <paramref name="settings"/>, features cached in
    /// <paramref name="output"/>/features. Errors name the parameter (<c>trainVal</c>, <c>test</c>, <c>classes</c>).
    /// </summary>
    public static StudyTask Create(OnnxNetwork network, string trainVal, string test, string? classes, ProbeSettings settings,
        PreprocessingRequest request, string output, DataSources? sources = null)
    {
        sources ??= DataSources.Default;
        var trainValItems = sources.Labelled(trainVal, network, request, "trainVal").Items;
        var testItems = sources.Labelled(test, network, request, "test").Items;
        if (classes is not null)
        {
            var subset = ClassList.Parse(classes, "classes");
            trainValItems = new ClassSubsetItems(trainValItems, subset);
            testItems = new ClassSubsetItems(testItems, subset);
        }
        return new StudyTask(ProbeSplit.Create(trainValItems, testItems), Preprocessors(request), settings, Path.Combine(output, "features"));
    }
}
