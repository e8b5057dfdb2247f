using System.Diagnostics;
using Xunit.Abstractions;

namespace LayerProbe.Tests.Fuzz;

/// <summary>
/// Feeds mutated inputs to one parser and records every way it misbehaves: an exception other than
/// <see cref="LayerProbeException"/> (grouped by type and throwing method), a refusal that is not one line starting
/// with the file's path, an input that takes longer than <see cref="SlowInput"/>, or one that allocates more than
/// <see cref="AllocationBudget"/> (a length field believed before it was checked against the file). A parser that
/// hangs fails the campaign after <see cref="Deadline"/> with the input it was working on.
/// </summary>
sealed class FuzzCampaign(string parser, ITestOutputHelper output)
{
    /// <summary>An input that took this long is a finding (the parsers read small files), unless <see cref="Run"/> allows more.</summary>
    public static readonly TimeSpan SlowInput = TimeSpan.FromSeconds(2);
    /// <summary>The whole campaign's limit; beyond it the current input is reported as a hang.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    /// <summary>Bytes one input may allocate on the parsing thread: 16 MiB plus 64 times its length (plus what a parser may
    /// allocate whatever the input, given to <see cref="Run"/>).</summary>
    public static long AllocationBudget(int inputLength) => (16L << 20) + 64L * inputLength;

    /// <summary>One distinct misbehaviour and the first (shortest seen) input that showed it.</summary>
    public sealed record Finding(string Signature, string Detail, byte[] Input);

    readonly Dictionary<string, Finding> _findings = [];
    volatile byte[]? _current;
    long _fixedBudget;
    TimeSpan _slowInput;

    /// <summary>Inputs run.</summary>
    public int Inputs { get; private set; }
    /// <summary>Inputs refused with a proper one-line <see cref="LayerProbeException"/>.</summary>
    public int Refused { get; private set; }
    /// <summary>Inputs the parser accepted.</summary>
    public int Accepted { get; private set; }
    /// <summary>Distinct findings.</summary>
    public IReadOnlyCollection<Finding> Findings => _findings.Values;

    /// <summary>
    /// Runs <paramref name="count"/> inputs from <paramref name="next"/> through <paramref name="parse"/>, which writes
    /// the bytes where the parser reads them and parses; a refusal must start with <paramref name="messagePrefix"/>.
    /// </summary>
    public FuzzCampaign Run(int count, Func<byte[]> next, Action<byte[]> parse, string messagePrefix, long fixedBudget = 0, TimeSpan? slowInput = null)
    {
        _fixedBudget = fixedBudget;
        _slowInput = slowInput ?? SlowInput;
        var clock = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            for (int i = 0; i < count; i++) RunOne(next(), parse, messagePrefix);
        }, 64 << 20) { IsBackground = true, Name = $"fuzz {parser}" };
        worker.Start();
        if (!worker.Join(Deadline))
        {
            var input = _current ?? [];
            Assert.Fail($"{parser}: no answer after {Deadline.TotalSeconds:F0} s on input {Describe(input)} (saved as {Save(input, "hang")})");
        }
        output.WriteLine($"{parser}: {Inputs} inputs in {clock.Elapsed.TotalSeconds:F1} s — {Refused} refused with one line, " +
                         $"{Accepted} accepted, {_findings.Count} distinct findings");
        foreach (var f in _findings.Values) output.WriteLine($"  {f.Signature}: {f.Detail} — input {Describe(f.Input)}");
        return this;
    }

    void RunOne(byte[] input, Action<byte[]> parse, string messagePrefix)
    {
        _current = input;
        Inputs++;
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        try
        {
            parse(input);
            Accepted++;
        }
        catch (LayerProbeException e)
        {
            if (e.Message.Contains('\n') || e.Message.Contains('\r')) Record("refusal of more than one line", e.Message, input);
            else if (!e.Message.StartsWith(messagePrefix, StringComparison.Ordinal)) Record("refusal that does not name the file", e.Message, input);
            else Refused++;
        }
        catch (Exception e)
        {
            Record($"{e.GetType().Name} in {ThrowingMethod(e)}", FirstLine(e.Message), input);
        }
        clock.Stop();
        if (clock.Elapsed > _slowInput) Record("slow input", $"{clock.Elapsed.TotalSeconds:F1} s", input);
        allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
        if (allocated > AllocationBudget(input.Length) + _fixedBudget) Record("unbounded allocation", $"{allocated:N0} bytes for a {input.Length}-byte input", input);
    }

    void Record(string signature, string detail, byte[] input)
    {
        if (!_findings.TryGetValue(signature, out var known) || input.Length < known.Input.Length)
            _findings[signature] = new Finding(signature, detail, input);
    }

    /// <summary>Fails with every finding (each input saved to a file for reproduction).</summary>
    public void AssertNoFindings()
    {
        if (_findings.Count == 0) return;
        Assert.Fail($"{parser}: {_findings.Count} distinct findings in {Inputs} inputs:\n" + string.Join("\n",
            _findings.Values.Select(f => $"{f.Signature}: {f.Detail}; input {Describe(f.Input)} saved as {Save(f.Input, "finding")}")));
    }

    string Save(byte[] input, string kind)
    {
        var path = Path.Combine(Path.GetTempPath(), $"layerprobe-fuzz-{parser}-{kind}-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(input))[..12]}.bin");
        File.WriteAllBytes(path, input);
        return path;
    }

    static string Describe(byte[] input) =>
        $"({input.Length} bytes) {Convert.ToHexString(input.AsSpan(0, Math.Min(input.Length, 96)))}{(input.Length > 96 ? "…" : "")}";

    static string ThrowingMethod(Exception e)
    {
        var frames = new StackTrace(e).GetFrames();
        var ours = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("LayerProbe", StringComparison.Ordinal) == true);
        var method = (ours ?? frames.FirstOrDefault())?.GetMethod();
        return method is null ? "?" : $"{method.DeclaringType?.Name}.{method.Name}";
    }

    static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
