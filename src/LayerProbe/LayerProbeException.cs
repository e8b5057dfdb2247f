namespace LayerProbe;

/// <summary>
/// A problem with the user's input (a file, a name, a setting). Its message is one line that names the file or thing
/// and the problem; the CLI prints exactly that line and exits non-zero.
/// </summary>
public sealed class LayerProbeException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>
    /// The API parameter the problem is in (e.g. <c>trainVal</c>), when it is one; the message then starts with
    /// "<c>parameter: </c>" and a front end may replace that prefix with its own name for it (the CLI's flag).
    /// </summary>
    public string? Parameter { get; private init; }

    /// <summary>Throws for the API parameter <paramref name="parameter"/>: "<c>parameter: problem</c>", with <see cref="Parameter"/> set.</summary>
    public static LayerProbeException ForParameter(string parameter, string problem, Exception? inner = null) =>
        new($"{parameter}: {OneLine(problem)}", inner) { Parameter = parameter };

    /// <summary>The message with its <see cref="Parameter"/> prefix replaced by <paramref name="name"/> (e.g. a CLI flag).</summary>
    public string MessageNaming(string name) =>
        Parameter is { } p && Message.StartsWith(p + ": ", StringComparison.Ordinal) ? name + Message[p.Length..] : Message;

    /// <summary>
    /// Throws for <paramref name="path"/> with a problem description: "<c>path: problem</c>". Line breaks and other
    /// control characters in the problem (a parser's message, bytes quoted from a corrupt file) are escaped, so the
    /// message stays one line.
    /// </summary>
    public static LayerProbeException For(string path, string problem, Exception? inner = null) => new($"{path}: {OneLine(problem)}", inner);

    static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var line = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
            if (c is '\n' or '\r' or '\t') line.Append(' ');
            else if (char.IsControl(c)) line.Append($"\\x{(int)c:X2}");
            else line.Append(c);
        return line.ToString();
    }
}
