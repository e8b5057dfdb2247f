using LayerProbe.Slurm;
using LayerProbe.Tests.Cli;
using LayerProbe.Tests.Features;

namespace LayerProbe.Tests.Sharding;

/// <summary><c>layerprobe slurm</c> without a cluster: the scripts of <c>--dry-run</c>, and bad requests refused with one line before anything is submitted.</summary>
public class SlurmCommandTests
{
    [Fact]
    public void Dry_run_prints_an_array_script_per_stage_and_a_dependent_merge_script_and_writes_nothing()
    {
        using var tmp = new TempDir();
        var (model, images) = ShardedExtractionTests.Inputs(tmp);
        string out_ = tmp.Sub("out");
        var (code, output, err) = CliProcess.Run(["slurm", .. ShardedExtractionTests.Extract(model, images, out_), "--shards", "7",
            "--partition", "gpu", "--gpus-per-task", "1", "--time", "01:00:00", "--then", $"merge {out_}", "--dry-run"]);
        Assert.True(code == 0, err);
        Assert.Contains("(sbatch --array=0-6)", output);
        Assert.Contains("#SBATCH --partition=gpu", output);
        Assert.Contains("#SBATCH --time=01:00:00", output);
        Assert.Equal(1, output.Split('\n').Count(l => l.StartsWith("#SBATCH --gpus-per-task=1"))); // the array asks for GPUs, the merge job does not
        Assert.Contains("'extract' '--model'", output);
        Assert.Contains("--shard \"${SLURM_ARRAY_TASK_ID}/7\"", output);
        Assert.Contains($"'merge' '{out_}'", output);
        Assert.Contains("--dependency=afterok", output);
        Assert.False(Directory.Exists(Path.Combine(out_, "slurm")), "a dry run wrote its state");
    }

    [Theory]
    [InlineData(new[] { "probe", "--out", "o" }, "is not a sharded command")]
    [InlineData(new[] { "extract", "--model", "m", "--layers", "a", "--data", "images:i" }, "needs --out")]
    [InlineData(new[] { "extract", "--model", "m", "--layers", "a", "--data", "images:i", "--out", "o", "--shard", "0/2" }, "is set by each array task")]
    [InlineData(new[] { "extract", "--model", "m", "--layers", "a", "--out", "o", "--bogus" }, "slurm extract: ")]
    [InlineData(new[] { "extract", "--model", "m", "--layers", "a", "--data", "images:i", "--out", "o" }, "--shards: required")]
    public void Bad_requests_are_one_line_and_exit_2(string[] command, string problem)
    {
        string[] args = ["slurm", .. command, .. command.Contains("--layers") && problem != "--shards: required" ? new[] { "--shards", "2" } : []];
        var (code, _, err) = CliProcess.Run(args);
        Assert.Equal(2, code);
        Assert.Contains(problem, Assert.Single(CliProcess.ErrorLines(err)));
    }

    [Fact]
    public void Status_without_a_submission_is_one_line()
    {
        using var tmp = new TempDir();
        var (code, _, err) = CliProcess.Run("slurm", "status", tmp.Path);
        Assert.Equal(2, code);
        Assert.Contains("no Slurm submission here", Assert.Single(CliProcess.ErrorLines(err)));
    }

    [Fact]
    public void Array_ranges_and_squeue_task_ids_round_trip()
    {
        Assert.Equal("0-2,5,7-8", SlurmRun.Ranges([8, 0, 1, 2, 5, 7]));
        Assert.Equal([1], SlurmRun.TaskIndices("12_1", "12")!);
        Assert.Equal([0, 1, 2, 5], SlurmRun.TaskIndices("12_[0-2,5%2]", "12")!);
        Assert.Null(SlurmRun.TaskIndices("121_1", "12"));
    }
}
