using System.Globalization;
using System.Text;

namespace LayerProbe.Proposals;

/// <summary>Writes a proposals store as the project's CSV format (<c>image_id,x1,y1,x2,y2</c>, header line, rank order; atomically).</summary>
public static class ProposalCsvExport
{
    /// <summary>Writes <paramref name="store"/> to <paramref name="path"/>.</summary>
    public static void Write(ProposalStore store, string path) => AtomicFile.Write(path, stream =>
    {
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.WriteLine("image_id,x1,y1,x2,y2");
        for (int i = 0; i < store.Images.Count; i++)
        {
            var rows = store.RowsOf(i);
            string id = store.Images[i].Id;
            for (int r = 0; r < rows.Length; r += ProposalStoreFiles.Cols)
                writer.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{id},{rows[r]:R},{rows[r + 1]:R},{rows[r + 2]:R},{rows[r + 3]:R}"));
        }
    });
}
