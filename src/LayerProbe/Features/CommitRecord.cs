using System.Globalization;

namespace LayerProbe.Features;

/// <summary>The durable prefix of a store: rows of the matrix and bytes of the id file that were flushed to disk.</summary>
/// <param name="Rows">Committed rows.</param>
/// <param name="IdBytes">Committed length of the id file.</param>
readonly record struct CommitRecord(long Rows, long IdBytes)
{
    /// <summary>Atomically replaces the commit file.</summary>
    public void Write(string path) =>
        AtomicFile.WriteText(path, string.Create(CultureInfo.InvariantCulture, $"rows {Rows}\nid_bytes {IdBytes}\n"));

    /// <summary>Reads a commit file, or null when missing or unreadable (the store then restarts from zero).</summary>
    public static CommitRecord? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        long rows = -1, idBytes = -1;
        foreach (var line in File.ReadAllLines(path))
        {
            var parts = line.Split(' ');
            if (parts.Length != 2 || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return null;
            if (parts[0] == "rows") rows = v;
            else if (parts[0] == "id_bytes") idBytes = v;
        }
        return rows >= 0 && idBytes >= 0 ? new CommitRecord(rows, idBytes) : null;
    }
}
