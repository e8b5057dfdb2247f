namespace LayerProbe.Cli;

/// <summary>Shared CLI plumbing: user errors become one line on stderr and exit code 2.</summary>
static class Cli
{
    /// <summary>
    /// Runs a command body; a <see cref="LayerProbeException"/> prints its one line and returns 2. An error about a
    /// library API parameter names the command-line flag instead (<see cref="OptionCatalogue.Flags"/>).
    /// </summary>
    public static int Guard(Action body)
    {
        try { body(); return 0; }
        catch (LayerProbeException e)
        {
            Console.Error.WriteLine($"layerprobe: {Line(e)}");
            return 2;
        }
    }

    /// <summary>The message of <paramref name="e"/>, its API parameter replaced by the flag that sets it.</summary>
    public static string Line(LayerProbeException e) =>
        e.Parameter is { } p && OptionCatalogue.Flags.TryGetValue(p, out var flag) ? e.MessageNaming(flag) : e.Message;
}
