using LayerProbe.Features;

namespace LayerProbe.Cli;

/// <summary>
/// Extraction progress on the terminal: a live line rewritten in place on an interactive console, plain lines (at
/// most one per few seconds, plus the last) when <c>CI=true</c> or output is redirected.
/// </summary>
sealed class ProgressPrinter : IProgress<ExtractionProgress>
{
    readonly bool _plain = Environment.GetEnvironmentVariable("CI") == "true" || Console.IsOutputRedirected;
    readonly TimeSpan _plainEvery = TimeSpan.FromSeconds(5);
    TimeSpan? _lastPrinted;
    bool _liveLineOpen;

    public void Report(ExtractionProgress p)
    {
        bool last = p.Done == p.Total;
        string text = $"extract {p.Done}/{p.Total} items ({100.0 * p.Done / Math.Max(1, p.Total):F1}%), {p.ItemsPerSecond:F1} items/s, {p.Elapsed:hh\\:mm\\:ss}";
        lock (this)
        {
            if (_plain)
            {
                if (!last && _lastPrinted is { } previous && p.Elapsed - previous < _plainEvery) return;
                _lastPrinted = p.Elapsed;
                Console.WriteLine(text);
                return;
            }
            Console.Write($"\r{text}   ");
            _liveLineOpen = !last;
            if (last) Console.WriteLine();
        }
    }

    /// <summary>Ends an open live line (after an interruption).</summary>
    public void Finish()
    {
        lock (this) if (_liveLineOpen) { Console.WriteLine(); _liveLineOpen = false; }
    }
}
