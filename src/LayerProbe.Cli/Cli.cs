namespace LayerProbe.Cli;

/// <summary>Shared CLI plumbing: user errors become one line on stderr and exit code 2.</summary>
static class Cli
{
    /// <summary>Runs a command body; a <see cref="LayerProbeException"/> prints its one line and returns 2.</summary>
    public static int Guard(Action body)
    {
        try { body(); return 0; }
        catch (LayerProbeException e)
        {
            Console.Error.WriteLine($"layerprobe: {e.Message}");
            return 2;
        }
    }
}
