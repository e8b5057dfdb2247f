using System.Reflection;
using System.Text.RegularExpressions;
using LayerProbe.Detection;

namespace LayerProbe.Tests.Cli;

/// <summary>The library names a bad setting in its own vocabulary; the command line maps it to the flag the user typed.</summary>
public class LibraryParameterTests
{
    [Fact]
    public void A_library_error_names_the_setting_not_a_flag()
    {
        var e = Assert.Throws<LayerProbeException>(() => new DetectionSettings(MaxPerImage: 0).Validate());
        Assert.Equal("maxPerImage: must be at least 1, got 0", e.Message);
        Assert.Equal("--max-per-image: must be at least 1, got 0", e.MessageNaming(Flags()["maxPerImage"]));
        var nms = Assert.Throws<LayerProbeException>(() => new DetectionSettings(NmsOverlap: 1.5).Validate());
        Assert.Equal("nmsOverlap", nms.Parameter);
    }

    [Fact]
    public void Every_setting_the_library_names_in_an_error_has_a_flag()
    {
        var flags = Flags();
        string src = Path.Combine(Studies.StudyFileTests.Root, "src", "LayerProbe");
        var named = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"ForParameter\(""(\w+)""").Select(m => m.Groups[1].Value)).Distinct().ToList();
        Assert.Contains("shorterSide", named);
        Assert.All(named, name => Assert.True(flags.ContainsKey(name), $"'{name}' has no flag in OptionCatalogue.Flags"));
    }

    /// <summary>The command line's map from library setting names to flags (internal to the CLI assembly).</summary>
    static IReadOnlyDictionary<string, string> Flags() =>
        (IReadOnlyDictionary<string, string>)Assembly.Load("layerprobe").GetType("LayerProbe.Cli.OptionCatalogue")!
            .GetProperty("Flags", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
