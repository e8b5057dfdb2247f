namespace LayerProbe.Studies;

/// <summary>Settings of the embedded demo (no user data): ResNet-18 ImageNet features probed on Fashion-MNIST.</summary>
public sealed record DemoOptions
{
    /// <summary>Where features (cache) and the report go.</summary>
    public string OutputDirectory { get; init; } = Path.Combine("out", "demo");
    /// <summary>Trainval images per class (half fit each C, half pick it).</summary>
    public int TrainPerClass { get; init; } = 100;
    /// <summary>Test images per class.</summary>
    public int TestPerClass { get; init; } = 100;
    /// <summary>Network input size (Fashion-MNIST's 28×28 is resized to this).</summary>
    public int InputSize { get; init; } = 64;
    /// <summary>Seed of the stratified subsets.</summary>
    public int Seed { get; init; } = 1;
    /// <summary>Store features as float16 (half the disk, same probes within rounding).</summary>
    public bool Float16 { get; init; }
    /// <summary>Folder of the Fashion-MNIST IDX files.</summary>
    public string FashionMnistFolder { get; init; } = Data.FashionMnist.DefaultFolder;
    /// <summary>C grid of the probes.</summary>
    public IReadOnlyList<double> CGrid { get; init; } = Probes.CSelection.RcnnGrid;
    /// <summary>Skip the training section (CaffeNet-mini pre-training, fine-tuning and their probes).</summary>
    public bool SkipTraining { get; init; }
    /// <summary>Skip the detection section (scenes, proposals, R-CNN detection per layer).</summary>
    public bool SkipDetection { get; init; }
    /// <summary>Scenes of the detection section (trainval + test), or null: 80 at the default size, fewer for smaller runs.</summary>
    public int? DetectionImages { get; init; }
    /// <summary>Proposals per scene (the first N in rank order), or null: 100 at the default size, fewer for smaller runs.</summary>
    public int? MaxProposals { get; init; }
    /// <summary>More <c>key.path=value</c> overrides of <c>studies/demo.yaml</c>, applied last (e.g. <c>steps.detection.c=0.001</c>).</summary>
    public IReadOnlyList<string> Set { get; init; } = [];
    /// <summary>Where ONNX Runtime extracts the features (training stays on the CPU).</summary>
    public Networks.ExecutionDevice Device { get; init; } = Networks.ExecutionDevice.Cpu;
}
