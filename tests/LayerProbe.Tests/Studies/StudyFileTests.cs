using LayerProbe.Cli;
using LayerProbe.Studies;
using LayerProbe.Tests.Data;

namespace LayerProbe.Tests.Studies;

/// <summary>
/// Study files: the demo is studies/demo.yaml (the demo command and the study command give the same numbers, and a
/// run's manifest fed back with --rerun gives them again); every problem with a file is one line naming file, line and key.
/// </summary>
[Collection("Console")]
public class StudyFileTests
{
    /// <summary>The repository root (holds LayerProbe.slnx and studies/).</summary>
    internal static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "LayerProbe.slnx"))) return dir.FullName;
        throw new InvalidOperationException($"no LayerProbe.slnx above {AppContext.BaseDirectory}");
    }

    /// <summary>The tables whose numbers must agree (timings and seconds columns left out).</summary>
    static readonly string[] NumberFiles =
    [
        "layerwise.csv", "layerwise-area.csv", "paper-table9-beside.csv", "transforms/transforms.csv", "entropy/entropy-summary.csv",
        "entropy/entropy-per-unit.csv", "grandmother/filters-needed.csv", "grandmother/ap-vs-filters.csv", "cka/cka.csv",
    ];

    [Fact]
    public void Demo_command_and_study_file_give_the_same_numbers_and_the_manifest_repeats_them()
    {
        using var dir = new TempDir();
        string output = dir.Combine("out");
        var (code, log) = Run(["demo", "--out", output, "--trainval-per-class", "4", "--test-per-class", "3", "--size", "32", "--skip-training", "--skip-detection"]);
        Assert.True(code == 0, log);
        var demo = Numbers(output);
        Assert.Contains("extract fashion-mnist/train", log);

        // The study file with the same sizes as overrides: the same feature stores (their content keys say the same
        // network, preprocessing and items, so nothing is extracted again), the same probe and analysis numbers.
        string[] sizes =
        [
            "--set", "data.fashion-mnist.trainval=fashion-mnist:train:4:1", "--set", "data.fashion-mnist.test=fashion-mnist:test:3:1",
            "--set", "networks.resnet18.size=32", "--set", "steps.training.skip=true", "--set", "steps.detection.skip=true",
        ];
        (code, log) = Run(["study", Path.Combine(Root, "studies", "demo.yaml"), "--out", output, .. sizes]);
        Assert.True(code == 0, log);
        Assert.DoesNotContain("items in", log);        // every store was already complete
        AssertSame(demo, Numbers(output));

        // Fed back from its manifest into a fresh folder: extracted again and the same numbers.
        string manifest = Path.Combine(output, "report", "manifest.json");
        string again = dir.Combine("again");
        (code, log) = Run(["study", "--rerun", manifest, "--out", again]);
        Assert.True(code == 0, log);
        Assert.Contains("extract fashion-mnist/train", log);
        AssertSame(demo, Numbers(again));
        Assert.Equal(Study.FromManifest(manifest).Settings.Keys, Study.Load(Path.Combine(Root, "studies", "demo.yaml")).Settings.Keys);
    }

    [Fact]
    public void Shipped_studies_are_the_repository_files_and_load()
    {
        foreach (var name in Study.Shipped)
        {
            // the paper study names the ONNX zoo's file, which a study checks for when it is loaded
            string[] model = name == "voc2007-paper" ? ["vars.model=resnet18-imagenet"] : [];
            var file = Study.Load(Path.Combine(Root, "studies", $"{name}.yaml"), model);
            var shipped = Study.LoadShipped(name, model);
            Assert.Equal(Manifest(file.Settings), Manifest(shipped.Settings));
            Assert.NotEmpty(shipped.Steps);
        }
        Assert.Equal(["layerwise", "text", "transforms", "entropy", "grandmother", "heads", "cka", "training", "detection"], Study.LoadShipped("demo").Steps);
        Assert.DoesNotContain("training", Study.LoadShipped("demo", ["steps.training.skip=true"]).Steps);
    }

    static string Manifest(IReadOnlyDictionary<string, object?> settings) => LayerProbe.Reports.Manifest.ToJson(settings);

    public static TheoryData<string, string> BadFiles => new()
    {
        // text of the file → the one line expected after "FILE:"
        { "name: x\nnetworks:\n  a:\n    model: resnet18-imagenet\n    sise: 3\n", "5: networks.a.sise: unknown key" },
        { "name: x\nnetworks:\n  a: {model: resnet18-imagenet, size: big}\n", "3: networks.a.size: 'big' is not an integer" },
        { "name: x\nnetworks:\n  a: {model: no-such.onnx}\n", "3: networks.a.model: no such ONNX file 'no-such.onnx'" },
        { "name: x\nnetworks:\n  a: {model: resnet18-imagenet}\ndata:\n  d: {trainval: fashion-mnist:train, test: fashion-mnist:test}\nlayers: [pool5]\nprobe:\n  c: [0.1, -1]\n",
          "8: probe.c: '-1' is not a positive number" },
        { "name: x\nnetworks:\n  a: {model: resnet18-imagenet}\ndata:\n  d: {trainval: fashion-mnist:train, test: fashion-mnist:test}\nlayers: [pool5]\nsteps:\n  - cka\n",
          "8: steps.cka: needs a layerwise step on data 'd' and network 'a' before it" },
        { "name: x\nnetworks:\n  a: {model: resnet18-imagenet}\ndata:\n  d: {trainval: fashion-mnist:train, test: fashion-mnist:test}\nlayers: [pool5]\nsteps:\n  - layerwise\n  - grandmother: {layer: res5c}\n",
          "9: steps.grandmother: layer 'res5c' is not probed by the layerwise step before it" },
        { "name: x\nnetworks:\n  a: {model: resnet18-imagenet}\ndata:\n  d: {trainval: fashion-mnist:train, test: fashion-mnist:test}\nlayers: [pool5]\nsteps:\n  - layerwise: {solver: x}\n",
          "8: steps.layerwise.solver: unknown key" },
        { "name: x\nnetworks: [a, b]\n", "2: networks: must be a mapping of keys" },
        { "name: x\n  bad: [\n", "2: not valid YAML" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_study_file_is_one_line_naming_file_line_and_key(string text, string expected)
    {
        using var dir = new TempDir();
        string path = dir.Combine("study.yaml");
        File.WriteAllText(path, text);
        var e = Assert.Throws<LayerProbeException>(() => Study.Load(path));
        Assert.StartsWith($"{path}:{expected}", e.Message);
        Assert.DoesNotContain('\n', e.Message);

        var (code, log) = Run(["study", path, "--out", dir.Combine("out")]);
        Assert.Equal(2, code);
        Assert.Equal($"layerprobe: {e.Message}", log.Trim());
        Assert.False(Directory.Exists(dir.Combine("out")));    // nothing written
    }

    [Fact]
    public void Overrides_and_missing_files_are_named_too()
    {
        string demo = Path.Combine(Root, "studies", "demo.yaml");
        Assert.StartsWith("--set: probe.c: 'abc' is not a positive number", Assert.Throws<LayerProbeException>(() => Study.Load(demo, ["probe.c=abc"])).Message);
        Assert.StartsWith("--set: steps.entropy.bogus: unknown key", Assert.Throws<LayerProbeException>(() => Study.Load(demo, ["steps.entropy.bogus=1"])).Message);
        Assert.StartsWith("--set steps.nope.x: no entry 'nope' in the list", Assert.Throws<LayerProbeException>(() => Study.Load(demo, ["steps.nope.x=1"])).Message);
        Assert.Equal("/no/such/study.yaml: no such study file", Assert.Throws<LayerProbeException>(() => Study.Load("/no/such/study.yaml")).Message);
        // a data specification that does not resolve is found before anything is written, at its entry's line
        using var dir = new TempDir();
        var study = Study.Load(demo, ["data.fashion-mnist.trainval=voc2007:/no/such/devkit:train", $"output={dir.Combine("out")}"]);
        var e = Assert.Throws<LayerProbeException>(() => study.Run(TextWriter.Null));
        Assert.StartsWith($"{demo}:", e.Message);
        Assert.Contains("data.fashion-mnist: /no/such/devkit", e.Message);
        Assert.False(Directory.Exists(dir.Combine("out")));
        // a manifest without a study
        string manifest = dir.Combine("manifest.json");
        File.WriteAllText(manifest, "{\"task\": \"probe\", \"settings\": {}}");
        Assert.StartsWith($"{manifest}: has no settings.study", Assert.Throws<LayerProbeException>(() => Study.FromManifest(manifest)).Message);
    }

    internal static (int Code, string Log) Run(string[] args)
    {
        var log = new StringWriter();
        var (savedError, savedOut) = (Console.Error, Console.Out);
        Console.SetError(log);
        Console.SetOut(TextWriter.Null);
        try { return (CliApp.Run(args), log.ToString()); }
        finally { Console.SetError(savedError); Console.SetOut(savedOut); }
    }

    static Dictionary<string, string[]> Numbers(string output) =>
        NumberFiles.ToDictionary(f => f, f => File.ReadAllLines(Path.Combine(output, "report", f)));

    static void AssertSame(Dictionary<string, string[]> expected, Dictionary<string, string[]> actual)
    {
        foreach (var (file, lines) in expected)
        {
            Assert.True(lines.Length > 1, file);
            Assert.Equal(lines, actual[file]);
        }
    }
}
