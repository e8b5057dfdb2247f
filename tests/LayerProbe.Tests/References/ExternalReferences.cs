namespace LayerProbe.Tests.References;

/// <summary>
/// Every program, Python module and outside file the tests use, with the Debian package that provides it — the one
/// list <c>scripts/setup.sh --tests</c> is checked against (<see cref="ExternalReferenceTests"/>). To use something new
/// in a test: add a line here, add its package to <c>test_packages</c> in <c>scripts/setup.sh</c>, and mark the test
/// <c>[NeedsFact("name", …)]</c> so it skips with the package named on a machine without it (and fails on CI).
/// </summary>
public static class ExternalReferences
{
    /// <summary>True when the environment variable CI is "true": missing references fail instead of skipping.</summary>
    public static bool OnCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder of labelme's VOC-format example export.</summary>
    public const string LabelmeVoc = "/usr/share/doc/labelme-examples/examples/bbox_detection/data_dataset_voc";

    static ExternalReference Module(string name, string package) => new(name, ReferenceKind.PythonModule, package);
    static ExternalReference Program(string name, string? package) => new(name, ReferenceKind.Program, package);
    static ExternalReference File(string path, string package) => new(path, ReferenceKind.Path, package);

    /// <summary>The registry.</summary>
    public static readonly IReadOnlyList<ExternalReference> All =
    [
        Program(ExternalReference.Python, "python3"),
        // The standard library modules test scripts import (they come with the interpreter).
        .. new[] { "sys", "os", "io", "json", "math", "struct", "pathlib", "tempfile", "subprocess", "importlib", "time", "random", "re", "gzip", "shutil", "hashlib", "itertools", "collections" }
            .Select(m => Module(m, "python3")),
        Module("numpy", "python3-numpy"),
        Module("cv2", "python3-opencv"),
        Module("google.protobuf", "python3-protobuf"),
        Module("torch", "python3-torch"),
        Module("torchvision", "python3-torchvision"),
        Module("onnx", "python3-onnx"),
        Module("PIL", "python3-pil"),
        Module("scipy", "python3-scipy"),
        Program("liblinear-train", "liblinear-tools"),
        Program("liblinear-predict", "liblinear-tools"),
        Program("chromium", "chromium"),
        Program("mount", "mount"),
        Program("umount", "mount"),
        Program("sbatch", "slurm-wlm"),
        Program("squeue", "slurm-wlm"),
        Program("scontrol", "slurm-wlm"),
        Program("scancel", "slurm-wlm"),
        Program("sacct", "slurm-wlm"),
        Program("slurmctld", "slurmctld"),
        Program("slurmd", "slurmd"),
        Program("munged", "munge"),
        Program("dotnet", null),
        File(LabelmeVoc, "labelme-examples"),
        File(LayerProbe.Data.FashionMnist.DefaultFolder, "dataset-fashion-mnist"),
        File("/usr/lib/x86_64-linux-gnu/libgtk-3.so.0", "libgtk-3-0"),
    ];

    /// <summary>The entry named <paramref name="name"/> (a typo is a test failure, not a silent skip).</summary>
    public static ExternalReference Get(string name) =>
        All.FirstOrDefault(r => r.Name == name) ?? throw new ArgumentException($"'{name}' is not in ExternalReferences.All");
}
