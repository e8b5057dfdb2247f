namespace LayerProbe.Features;

/// <summary>Extraction progress as <see cref="Progress"/> lines (live on a terminal, plain under CI or redirection).</summary>
public static class ExtractionProgressLines
{
    /// <summary>A reporter for an extraction of <paramref name="items"/> named <paramref name="what"/>.</summary>
    public static (IProgress<ExtractionProgress> Reporter, Progress Lines) For(string what, int items, TextWriter? output = null)
    {
        var lines = new Progress(what, items, output);
        return (new InlineProgress<ExtractionProgress>(p => lines.Report(p.Done)), lines);
    }
}
