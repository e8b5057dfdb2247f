using System.Globalization;
using LayerProbe.Data;
using LayerProbe.Slurm;

namespace LayerProbe.Studies.Files;

/// <summary>
/// A study's long per-item stages as sharded commands (<c>layerprobe slurm STUDY.yaml --shards N</c>), and the
/// study run that follows them.
/// </summary>
/// <param name="Output">The study's output folder (absolute): <c>features/</c>, <c>report/</c>, and <c>slurm/</c> for the submission.</param>
/// <param name="Stages">The sharded stages (none when the study extracts nothing it can shard).</param>
/// <param name="NotSharded">One line per stage of the study that is not sharded: the final study job runs it whole.</param>
public sealed record StudyShardPlan(string Output, IReadOnlyList<SlurmStage> Stages, IReadOnlyList<string> NotSharded);

/// <summary>
/// Which of a study's stages run as job arrays: the feature extraction of every (network, data) pair its layer-wise
/// steps probe, written as the very <c>extract</c> commands whose stores the study reads — same network (adapted by
/// <see cref="Networks.InputAdaptation.AtInputSide"/> as the study's), same data specification, same input
/// convention (numbers written so that they parse back to the same floats), same batch, precision and device, into
/// the study's <c>features/</c> — so the merged stores carry the keys the study looks up and its final run finds them
/// whole. Steps that only read those stores add nothing; a stage that cannot be written as a sharded command is said
/// in one line (<see cref="StudyShardPlan.NotSharded"/>) and left to the final study job.
/// </summary>
public static class StudyShards
{
    /// <summary>The sharded stages of <paramref name="study"/> (loaded with its overrides, <c>output=</c> among them).</summary>
    public static StudyShardPlan Plan(Study study)
    {
        var definition = study.Definition;
        string output = Path.GetFullPath(definition.Output);
        string features = Path.Combine(output, "features");
        var commands = new List<IReadOnlyList<string>>();
        var notSharded = new List<string>();
        foreach (var step in definition.Steps.Where(s => !s.Skip))
        {
            switch (step)
            {
                case LayerwiseStep layerwise:
                    if (Unexpressible(definition, layerwise) is { } why) notSharded.Add($"step layerwise (data {layerwise.Data}, network {layerwise.Network}): not sharded: {why}; the final job extracts it whole");
                    else
                        foreach (var command in Extractions(definition, layerwise, features))
                            if (!commands.Any(c => c.SequenceEqual(command))) commands.Add(command);
                    break;
                case TextStep or SectionStep or GrandmotherStep or HeadsStep:
                    break; // they read the layer-wise stores, nothing per item of their own
                case TransformsStep:
                    notSharded.Add("step transforms: not sharded: its transformed stores are computed from the merged stores by the final job");
                    break;
                case TrainingStep:
                    notSharded.Add("step training: not sharded: it trains its networks before extracting with them; the final job runs it whole");
                    break;
                default:
                    notSharded.Add($"step {step.Kind}: not sharded: no sharded command for its stages yet; the final job runs it whole");
                    break;
            }
        }
        var stages = commands.Count == 0 ? new List<SlurmStage>() : [new SlurmStage("extract", commands[0], features, commands.Skip(1).ToList())];
        return new StudyShardPlan(output, stages, notSharded);
    }

    /// <summary>Why this step's extraction has no <c>extract</c> command with the study's store keys (null: it has).</summary>
    static string? Unexpressible(StudyDefinition definition, LayerwiseStep step)
    {
        var data = definition.Data.First(d => d.Name == step.Data);
        return data.Classes is not null ? $"data.{data.Name}.classes (a class subset applied after the data specification) has no `extract --data` form" : null;
    }

    /// <summary>The <c>extract</c> commands of one layer-wise step: trainval and test, every layer of the step in one pass each.</summary>
    static IEnumerable<IReadOnlyList<string>> Extractions(StudyDefinition definition, LayerwiseStep step, string features)
    {
        var network = definition.Networks.First(n => n.Name == step.Network);
        var data = definition.Data.First(d => d.Name == step.Data);
        var common = new List<string> { "--model", File.Exists(network.Model) ? Path.GetFullPath(network.Model) : network.Model };
        if (network.Input is { } input) common.AddRange(["--input", input]);
        common.AddRange(Convention(network.Preprocessing));
        common.AddRange(["--layers", string.Join(',', step.Layers), "--out", features, "--batch", Text(definition.Extraction.BatchSize)]);
        if (definition.Extraction.DType == Features.FeatureDType.Float16) common.Add("--float16");
        common.AddRange(["--device", definition.Extraction.Device.ToString()]);
        foreach (var spec in new[] { data.TrainVal, data.Test })
            yield return ["extract", "--data", spec, .. common];
    }

    /// <summary>The input convention as <c>extract</c>'s options; floats in their shortest round-trip form.</summary>
    static IEnumerable<string> Convention(PreprocessingRequest request)
    {
        if (request.Preset is { } preset) { yield return "--preprocess"; yield return preset; }
        if (request.Channels is { } channels) { yield return "--channels"; yield return channels.ToString().ToLowerInvariant(); }
        if (request.Scale is { } scale) { yield return "--scale"; yield return Text(scale); }
        if (request.Mean is { } mean) { yield return "--mean"; yield return string.Join(',', mean.Select(Text)); }
        else if (request.MeanImage is { } file) { yield return "--mean"; yield return Path.GetFullPath(file); }
        if (request.Std is { } std) { yield return "--std"; yield return string.Join(',', std.Select(Text)); }
        if (request.Size is { } size) { yield return "--size"; yield return Text(size); }
    }

    static string Text(float value) => value.ToString("R", CultureInfo.InvariantCulture);
    static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
