// LayerProbe from C#: a study file in one call, then layer-wise probes in code.
// Usage: dotnet run --project samples/LayerProbe.Sample [OUTPUT_FOLDER]
using LayerProbe;
using LayerProbe.Studies;

string output = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "layerprobe-sample");
try
{
    // 1. A study: the shipped demo (studies/demo.yaml) made tiny with overrides — the same KEY=VALUE settings as
    //    `layerprobe study FILE --set KEY=VALUE`. Study.Load("my-study.yaml") reads your own file the same way.
    var study = Study.LoadShipped("demo",
    [
        $"output={Path.Combine(output, "study")}",
        "networks.resnet18.size=32",
        "data.fashion-mnist.trainval=fashion-mnist:train:4:1",
        "data.fashion-mnist.test=fashion-mnist:test:3:1",
        "steps.transforms.skip=true", "steps.grandmother.skip=true", "steps.heads.skip=true", "steps.training.skip=true",
    ]);
    Console.WriteLine($"study {study.Name}: steps {string.Join(", ", study.Steps)}");
    StudyResult result = study.Run(TextWriter.Null);
    Console.WriteLine($"report: {Path.Combine(result.ReportDirectory, "report.html")}");
    foreach (var (layer, map) in result.MeanAp) Console.WriteLine($"study\t{layer}\t{100 * map:F1}");

    // 2. Layer-wise probes in code: any ONNX network, any labelled data specification.
    var results = Probe.Layerwise("resnet18-imagenet", "fashion-mnist:train:4:1", "fashion-mnist:test:3:1", ["res3b", "pool5"],
        Path.Combine(output, "features"), new ProbeOptions { InputSize = 32 }, TextWriter.Null);
    foreach (var r in results) Console.WriteLine($"probe\t{r.Layer}\t{100 * r.Mean.ElevenPoint:F1}\tC={r.Training.ChosenC}");
    return 0;
}
catch (LayerProbeException e)
{
    // Every problem with the user's input is one line naming the file (and line and key for study files).
    Console.Error.WriteLine($"sample: {e.Message}");
    return 2;
}
