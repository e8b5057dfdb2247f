namespace LayerProbe;

/// <summary>
/// A problem with the user's input (a file, a name, a setting). Its message is one line that names the file or thing
/// and the problem; the CLI prints exactly that line and exits non-zero.
/// </summary>
public sealed class LayerProbeException(string message, Exception? inner = null) : Exception(message, inner)
{
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
