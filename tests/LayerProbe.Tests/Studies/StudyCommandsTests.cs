using LayerProbe.Cli;
using LayerProbe.Tests.Training;

namespace LayerProbe.Tests.Studies;

/// <summary>The study verbs end to end, and bad input as one line with exit code 2 before any probing.</summary>
[Collection("Console")]
public class StudyCommandsTests
{
    static (int Code, string Out, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var (savedOut, savedError) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try { return (CliApp.Run(args), output.ToString(), error.ToString()); }
        finally { Console.SetOut(savedOut); Console.SetError(savedError); }
    }

    static readonly string[] Task = ["--trainval", "fashion-mnist:train:4:1", "--test", "fashion-mnist:test:3:1", "--classes", "5-9", "--c", "0.01"];

    [Fact]
    public void Evolution_command_writes_tables_figures_and_manifest()
    {
        string output = TrainingFixtures.TempDir();
        var (code, stdout, error) = Run(["evolution", "--snapshots", StudyFixtures.RunFolder, "--layers", "pool2,relu6", "--out", output, .. Task]);
        Assert.True(code == 0, error);
        Assert.Contains("| pool2 |", stdout);
        foreach (var f in new[] { "evolution.md", "evolution-reach.csv", "evolution-relative.json", "evolution-map.png", "conv1-iter-2.png", "conv1-iter-6.png", "manifest.json" })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
    }

    [Fact]
    public void Evolution_refuses_a_folder_without_snapshots_in_one_line()
    {
        string empty = TrainingFixtures.TempDir(), output = TrainingFixtures.TempDir();
        var (code, _, error) = Run(["evolution", "--snapshots", empty, "--out", output, .. Task]);
        Assert.Equal(2, code);
        Assert.Equal($"layerprobe: {empty}: no snapshots (*_iter_N.onnx, as written by layerprobe train)", error.Trim());
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }

    [Fact]
    public void Evolution_refuses_a_layer_a_snapshot_lacks_before_probing()
    {
        string output = TrainingFixtures.TempDir();
        var (code, _, error) = Run(["evolution", "--snapshots", StudyFixtures.RunFolder, "--layers", "pool5,res5c", "--out", output, .. Task]);
        Assert.Equal(2, code);
        Assert.Matches(@"^layerprobe: .*snapshot_iter_2\.onnx: unknown layer 'res5c'", error.Trim());
        Assert.Single(error.Trim().Split('\n'));
        Assert.Empty(Directory.GetFileSystemEntries(output));
    }

    [Fact]
    public void Evolution_refuses_snapshots_of_different_runs()
    {
        string mixed = TrainingFixtures.TempDir();
        string other = StudyFixtures.TrainRun(TrainingFixtures.TempDir(), classes: 3);
        foreach (var extension in new[] { ".onnx", ".solverstate", ".json" }) // whole snapshot sets: torn ones are skipped
        {
            File.Copy(Path.Combine(StudyFixtures.RunFolder, "snapshot_iter_2" + extension), Path.Combine(mixed, "snapshot_iter_2" + extension));
            File.Copy(Path.Combine(other, "snapshot_iter_6" + extension), Path.Combine(mixed, "snapshot_iter_6" + extension));
        }
        var (code, _, error) = Run(["evolution", "--snapshots", mixed, "--out", TrainingFixtures.TempDir(), .. Task]);
        Assert.Equal(2, code);
        Assert.EndsWith("snapshot_iter_6.onnx: fc8 has 3 classes but snapshot_iter_2.onnx has 4; snapshots must come from one run", error.Trim());
    }

    [Fact]
    public void Finetune_effect_refuses_mismatched_class_counts_in_one_line()
    {
        string a = StudyFixtures.TrainRun(TrainingFixtures.TempDir(), classes: 3), b = StudyFixtures.RunFolder;
        var (code, _, error) = Run(["finetune-effect", "--pretrained", Path.Combine(b, "snapshot_iter_2.onnx"), "--fc-only", Path.Combine(a, "snapshot_iter_6.onnx"),
            "--full", Path.Combine(b, "snapshot_iter_6.onnx"), "--out", TrainingFixtures.TempDir(), .. Task]);
        Assert.Equal(2, code);
        Assert.Contains("fc8 has 4 classes but the fc-only network snapshot_iter_6.onnx has 3", error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Short_pretraining_command_fine_tunes_and_compares()
    {
        string output = TrainingFixtures.TempDir();
        var (code, stdout, error) = Run(["short-pretraining", "--early", Path.Combine(StudyFixtures.RunFolder, "snapshot_iter_2.onnx"),
            "--final", Path.Combine(StudyFixtures.RunFolder, "snapshot_iter_6.onnx"), "--data", "fashion-mnist:5-9", "--iterations", "2", "--batch", "8",
            "--threads", "1", "--layers", "pool5,relu7", "--out", output, .. Task]);
        Assert.True(code == 0, error);
        Assert.Contains("iter 2 + FT", stdout);
        foreach (var f in new[] { "short-pretraining.csv", "paper-table5.md", "ft-from-iter-2.onnx", "ft-from-iter-6.onnx", "manifest.json" })
            Assert.True(File.Exists(Path.Combine(output, f)), f);
    }
}
