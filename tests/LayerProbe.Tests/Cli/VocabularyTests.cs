using System.CommandLine;
using LayerProbe.Analyses;
using LayerProbe.Analyses.Heads;
using LayerProbe.Cli;
using LayerProbe.Probes;

namespace LayerProbe.Tests.Cli;

/// <summary>
/// Issue 15 item 3: one name per concept across the commands, typed choices, help on every option, old spellings
/// accepted with a deprecation line, and errors that name the flag the user typed.
/// </summary>
[Collection("Console")]
public class VocabularyTests
{
    static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        var (savedOut, savedErr) = (Console.Out, Console.Error);
        Console.SetOut(output);
        Console.SetError(error);
        try { return (CliApp.Run(args), output.ToString(), error.ToString()); }
        finally { Console.SetOut(savedOut); Console.SetError(savedErr); }
    }

    /// <summary>Exit code 2 and exactly one stderr line, returned.</summary>
    static string OneErrorLine((int Code, string Out, string Err) run)
    {
        Assert.Equal(2, run.Code);
        return Assert.Single(CliProcess.ErrorLines(run.Err));
    }

    static IEnumerable<(Command Command, Option Option)> Options() =>
        CliApp.Root().Subcommands.SelectMany(c => c.Options.Where(o => !o.Hidden && o.Name is not ("--help" or "-h")).Select(o => (c, o)));

    [Fact]
    public void Every_option_of_every_command_has_help_text()
    {
        var missing = Options().Where(p => string.IsNullOrWhiteSpace(p.Option.Description)).Select(p => $"{p.Command.Name} {p.Option.Name}").ToList();
        Assert.True(missing.Count == 0, string.Join(", ", missing));
    }

    [Fact]
    public void One_name_means_one_thing_in_every_command()
    {
        var byName = Options().GroupBy(p => p.Option.Name).ToDictionary(g => g.Key, g => g.ToList());
        // --c is a grid (text) everywhere, never a single number
        Assert.All(byName["--c"], p => Assert.Equal(typeof(string), p.Option.ValueType));
        // a network is --model: no command names it --net, and train accepts --net only as a deprecated alias
        Assert.DoesNotContain("--net", byName.Keys);
        Assert.Contains("--model", byName.Keys);
        Assert.True(byName["--model"].Count >= 4);
        // --test is a data specification wherever it is an option's name (stores are --test-store)
        Assert.All(byName["--test"], p => Assert.Contains("data specification", p.Option.Description));
        Assert.All(byName["--data"], p => Assert.Contains("SOURCE:ARGS", p.Option.Description));
        // --snapshots is a folder of snapshots; train's iteration list is --snapshot-at
        Assert.Equal(["evolution"], byName["--snapshots"].Select(p => p.Command.Name));
        // --classes is a class subset; build-net's output count is --outputs
        Assert.DoesNotContain(byName["--classes"], p => p.Command.Name == "build-net");
        // --size is a network's input side; make-scenes' image size is --image-size
        Assert.DoesNotContain(byName["--size"], p => p.Command.Name == "make-scenes");
        // single stores are --store
        Assert.DoesNotContain("--from", byName.Keys);
    }

    [Fact]
    public void Choice_options_list_their_values_in_help_and_in_the_error()
    {
        var solver = Options().Single(p => p.Command.Name == "probe" && p.Option.Name == "--solver").Option;
        Assert.Equal("dual-cd|batched-newton", solver.HelpName);
        Assert.Contains("dual-cd | batched-newton", solver.Description);
        var run = Run("probe", "--model", "m.onnx", "--trainval", "x", "--test", "y", "--layers", "pool5", "--out", "o", "--solver", "newton");
        var line = OneErrorLine(run);
        Assert.Contains("--solver: 'newton' is not one of dual-cd, batched-newton", line);
        Assert.StartsWith("layerprobe: probe: ", line);
    }

    [Fact]
    public void Help_of_an_unknown_command_is_one_line_and_exit_2()
    {
        var run = Run("nosuch", "--help");
        Assert.Equal(2, run.Code);
        Assert.Equal("", run.Out);
        var line = Assert.Single(CliProcess.ErrorLines(run.Err));
        Assert.StartsWith("layerprobe: unknown command 'nosuch'", line);
        Assert.Contains("probe", line);
        Assert.Equal(0, Run("probe", "--help").Code); // a known command's help still works
    }

    [Fact]
    public void An_error_in_trainval_names_trainval_not_data()
    {
        using var tmp = new Data.TempDir();
        var run = Run("probe", "--model", Features.TinyNetwork.Write(tmp.Path), "--trainval", "fashion-mnist:5-9", "--test", "fashion-mnist:test",
            "--layers", "pool5", "--out", tmp.Combine("out"));
        var line = OneErrorLine(run);
        Assert.StartsWith("layerprobe: --trainval: fashion-mnist:5-9: ", line);
        Assert.Contains("classes=5-9", line);
    }

    [Fact]
    public void Old_spellings_work_for_one_release_with_a_deprecation_line()
    {
        var run = Run("train", "--net", "caffenet-mini", "--data", "nosuch-data", "--iterations", "1", "--out", Training.TrainingFixtures.TempDir());
        Assert.Equal(2, run.Code); // the data is unknown, but --net was understood as --model
        var lines = CliProcess.ErrorLines(run.Err);
        Assert.Contains("layerprobe: --net is deprecated (accepted until the next release); use --model", lines);
        Assert.Contains(lines, l => l.StartsWith("layerprobe: --data: unknown data source 'nosuch-data'"));
    }

    [Fact]
    public void Analyses_that_claim_the_probes_svm_use_it()
    {
        Assert.Equal(1, SvmSettings.Probe.PositiveWeight);
        Assert.Equal(SvmLoss.SquaredHinge, SvmSettings.Probe.Loss);
        Assert.Equal(SvmSettings.Probe, new ProbeSettings().Svm);
        Assert.Equal(SvmSettings.Probe, new GrandmotherCellOptions().Svm);
        Assert.Equal(SvmSettings.Probe, new LinearHead().Svm);
        Assert.Equal(2, SvmSettings.RcnnDetection.PositiveWeight);
        Assert.Equal(SvmLoss.Hinge, SvmSettings.RcnnDetection.Loss);
        Assert.Equal(0.1, SvmSettings.RcnnDetection.Tolerance);
    }
}
