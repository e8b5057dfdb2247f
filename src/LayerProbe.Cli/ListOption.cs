namespace LayerProbe.Cli;

/// <summary>Comma-separated option values (layers, nodes): trimmed, empty entries dropped.</summary>
static class ListOption
{
    public static string[] Items(string text) => text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
