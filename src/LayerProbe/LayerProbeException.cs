namespace LayerProbe;

/// <summary>
/// A problem with the user's input (a file, a name, a setting). Its message is one line that names the file or thing
/// and the problem; the CLI prints exactly that line and exits non-zero.
/// </summary>
public sealed class LayerProbeException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Throws for <paramref name="path"/> with a problem description: "<c>path: problem</c>".</summary>
    public static LayerProbeException For(string path, string problem, Exception? inner = null) => new($"{path}: {problem}", inner);
}
