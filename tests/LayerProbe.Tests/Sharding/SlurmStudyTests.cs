using LayerProbe.Features;
using LayerProbe.Studies;
using LayerProbe.Studies.Files;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Features;

namespace LayerProbe.Tests.Sharding;

/// <summary>
/// <c>layerprobe slurm STUDY.yaml</c> without a cluster: the study's sharded stages are the <c>extract</c> commands
/// whose stores the study reads (run them, and the study extracts nothing more), the dry run prints them with the
/// merge and the study run after them, and what is not sharded is said in one line each.
/// </summary>
public class SlurmStudyTests
{
    static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// A tiny study: the built-in ResNet-18 at 32² on 5 Fashion-MNIST images per class (50 trainval, 50 test: four
    /// batches of 16 each, so three shards each get at least one), two layers, the layer-wise probes and CKA.
    /// <paramref name="extra"/> is added to the network entry (e.g. explicit convention numbers).
    /// </summary>
    internal static string TinyStudy(string folder, string extra = "", string steps = "  - layerwise\n  - cka\n")
    {
        string path = Path.Combine(folder, "tiny.yaml");
        File.WriteAllText(path, $"""
            name: tiny
            networks:
              resnet18:
                model: resnet18-imagenet
                size: 32
            {extra}
            data:
              fmnist:
                trainval: fashion-mnist:train:5:1
                test: fashion-mnist:test:5:1
            layers: [pool1, res2a]
            probe:
              c: [0.01, 1]
            steps:

            """ + steps);
        return path;
    }

    [Fact]
    public void The_planned_extract_commands_fill_exactly_the_stores_the_study_reads()
    {
        using var tmp = new TempDir();
        // Convention numbers that are not short decimals in float (1/255, 0.229…) must parse back to the very same floats.
        string study = TinyStudy(tmp.Path, "    preprocess: torchvision\n    scale: 1/255\n    mean: [0.485, 0.456, 0.406]\n    std: [0.229, 0.224, 0.225]");
        string out_ = tmp.Sub("out");
        var plan = StudyShards.Plan(Study.Load(study, [$"output={out_}"]));
        Assert.Empty(plan.NotSharded);
        var stage = Assert.Single(plan.Stages);
        Assert.Equal(Path.Combine(out_, "features"), stage.StoreFolder);
        Assert.Equal(2, stage.Commands.Count); // trainval and test
        foreach (var command in stage.Commands)
            using (var child = ChildCli.Run(Timeout, [.. command]))
                Assert.True(child.ExitCode == 0, child.ToString());
        var before = ChildExtraction.StoreBytes(Path.Combine(out_, "features"));
        Assert.Equal(4 * 2, before.Count); // 2 layers × (trainval, test), features.lpfm + ids.txt each

        using var run = ChildCli.Run(Timeout, "study", study, "--out", out_);
        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.DoesNotContain("items in", run.Errors); // "extract NAME: N items in S s" is logged only when it extracted
        var after = ChildExtraction.StoreBytes(Path.Combine(out_, "features"));
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        Assert.True(File.Exists(Path.Combine(out_, "report", "layerwise.csv")), run.ToString());
    }

    [Fact]
    public void Dry_run_prints_the_extractions_then_merge_then_the_study_and_writes_nothing()
    {
        using var tmp = new TempDir();
        string study = TinyStudy(tmp.Path), out_ = tmp.Sub("out");
        var (code, output, err) = CliProcess.Run(["slurm", study, "--set", "probe.c=[0.1]", "--out", out_, "--shards", "3", "--gpus-per-task", "1", "--dry-run"]);
        Assert.True(code == 0, err);
        Assert.Contains("(sbatch --array=0-2)", output);
        Assert.Equal(2, output.Split('\n').Count(l => l.Contains("'extract' '--data'") && l.EndsWith("--shard \"${SLURM_ARRAY_TASK_ID}/3\"")));
        Assert.Contains("'fashion-mnist:train:5:1'", output);
        Assert.Contains("'fashion-mnist:test:5:1'", output);
        Assert.Contains($"'merge' '{Path.Combine(out_, "features")}'", output);
        Assert.Contains($"'study' '{study}' '--set' 'probe.c=[0.1]' '--out' '{out_}'", output);
        Assert.DoesNotContain("not sharded", output);
        Assert.False(Directory.Exists(out_), "a dry run wrote something");
    }

    [Fact]
    public void Stages_that_are_not_sharded_are_said_in_one_line_each()
    {
        using var tmp = new TempDir();
        string study = TinyStudy(tmp.Path, steps: "  - layerwise\n  - transforms:\n      layers: [res2a]\n      transforms: [sp-max]\n");
        var (code, output, err) = CliProcess.Run(["slurm", study, "--out", tmp.Sub("out"), "--shards", "2", "--dry-run"]);
        Assert.True(code == 0, err);
        Assert.Single(output.Split('\n'), l => l.StartsWith("step transforms: not sharded: "));

        // A class subset has no extract --data form: said, and with nothing else to shard the submission stops.
        string subset = TinyStudy(tmp.Path);
        File.WriteAllText(subset, File.ReadAllText(subset).Replace("test: fashion-mnist:test:5:1", "test: fashion-mnist:test:5:1\n    classes: [0, 1, 2]"));
        (code, output, err) = CliProcess.Run(["slurm", subset, "--out", tmp.Sub("out2"), "--shards", "2"]);
        Assert.Equal(2, code);
        Assert.Contains("step layerwise (data fmnist, network resnet18): not sharded: data.fmnist.classes", output);
        Assert.Contains("nothing of this study is sharded", Assert.Single(CliProcess.ErrorLines(err)));
        Assert.False(Directory.Exists(tmp.Sub("out2")));
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "is not an option of a study submission")]
    [InlineData(new[] { "--then", "merge x" }, "--then: not with a study")]
    [InlineData(new[] { "--set", "nosuchkey=1" }, "nosuchkey")]
    public void Bad_study_submissions_are_one_line_and_exit_2(string[] extra, string problem)
    {
        using var tmp = new TempDir();
        string study = TinyStudy(tmp.Path);
        var (code, _, err) = CliProcess.Run(["slurm", study, "--out", tmp.Sub("out"), "--shards", "2", .. extra]);
        Assert.Equal(2, code);
        Assert.Contains(problem, Assert.Single(CliProcess.ErrorLines(err)));
    }
}
