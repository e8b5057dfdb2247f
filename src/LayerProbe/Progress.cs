namespace LayerProbe;

/// <summary>
/// Progress of a long loop (extraction, training, probing). Live single-line updates on a terminal; plain lines at
/// most every few seconds when <c>CI=true</c> or output is redirected, so logs stay readable.
/// </summary>
public sealed class Progress(string what, long total, TextWriter? output = null)
{
    readonly TextWriter _out = output ?? Console.Error;
    readonly bool _plain = output is not null || Console.IsErrorRedirected
        || string.Equals(System.Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);
    readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    double _lastPrintSeconds = double.NegativeInfinity;
    long _done;

    /// <summary>Seconds between plain lines.</summary>
    public double PlainIntervalSeconds { get; init; } = 5;

    /// <summary>Sets the number of finished units and reports when due.</summary>
    public void Report(long done)
    {
        _done = done;
        var now = _clock.Elapsed;
        bool due = done >= total || now.TotalSeconds - _lastPrintSeconds >= (_plain ? PlainIntervalSeconds : 0.2);
        if (!due) return;
        _lastPrintSeconds = now.TotalSeconds;
        string line = Line(now);
        if (_plain) _out.WriteLine(line);
        else _out.Write($"\r{line}\u001b[K" + (done >= total ? "\n" : ""));
    }

    /// <summary>Adds finished units.</summary>
    public void Advance(long units = 1) => Report(Interlocked.Add(ref _done, units));

    string Line(TimeSpan elapsed)
    {
        double rate = _done / Math.Max(elapsed.TotalSeconds, 1e-9);
        string eta = rate > 0 && _done < total ? $", eta {TimeSpan.FromSeconds((total - _done) / rate):hh\\:mm\\:ss}" : "";
        double percent = total > 0 ? 100.0 * _done / total : 100;
        return $"{what}: {_done}/{total} ({percent:F0}%), {rate:F1}/s, {elapsed:hh\\:mm\\:ss}{eta}";
    }
}
