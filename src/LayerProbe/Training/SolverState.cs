using System.Text;

namespace LayerProbe.Training;

/// <summary>
/// What a snapshot needs beyond its ONNX weights to resume exactly (Caffe's <c>.solverstate</c>): the completed
/// iteration, the momentum history of every blob, the recent losses of the smoothed loss, and the run's identity
/// (seed, batch size, parent network hash). The random generators need no state: they derive from (seed, iteration).
/// Binary little-endian file, written atomically.
/// </summary>
public sealed record SolverState(
    int Iteration, int Seed, int BatchSize, string ParentSha256, float[] RecentLosses,
    IReadOnlyList<(string Name, long[] Shape, float[] Values)> History)
{
    const string Magic = "LPSOLVER";
    const int Version = 1;

    /// <summary>Writes the state to <paramref name="path"/> atomically.</summary>
    public void Write(string path) => AtomicFile.Write(path, stream =>
    {
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Encoding.ASCII.GetBytes(Magic));
        w.Write(Version);
        w.Write(Iteration);
        w.Write(Seed);
        w.Write(BatchSize);
        w.Write(ParentSha256);
        WriteFloats(w, RecentLosses);
        w.Write(History.Count);
        foreach (var (name, shape, values) in History)
        {
            w.Write(name);
            w.Write(shape.Length);
            foreach (var d in shape) w.Write(d);
            WriteFloats(w, values);
        }
    });

    /// <summary>Reads a state written by <see cref="Write"/>; a damaged or foreign file is a one-line error.</summary>
    public static SolverState Read(string path)
    {
        try
        {
            using var r = new BinaryReader(File.OpenRead(path), Encoding.UTF8);
            if (Encoding.ASCII.GetString(r.ReadBytes(Magic.Length)) != Magic || r.ReadInt32() != Version)
                throw LayerProbeException.For(path, "not a LayerProbe solver state (version 1)");
            int iteration = r.ReadInt32(), seed = r.ReadInt32(), batch = r.ReadInt32();
            string parent = r.ReadString();
            var losses = ReadFloats(r);
            int count = r.ReadInt32();
            var history = new List<(string, long[], float[])>(count);
            for (int i = 0; i < count; i++)
            {
                string name = r.ReadString();
                var shape = new long[r.ReadInt32()];
                for (int d = 0; d < shape.Length; d++) shape[d] = r.ReadInt64();
                history.Add((name, shape, ReadFloats(r)));
            }
            return new SolverState(iteration, seed, batch, parent, losses, history);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(path, $"cannot read the solver state ({e.Message})", e); }
    }

    /// <summary>The solver-state file beside a snapshot ONNX file.</summary>
    public static string PathFor(string snapshotOnnx) => Path.ChangeExtension(snapshotOnnx, ".solverstate");

    static void WriteFloats(BinaryWriter w, float[] values)
    {
        w.Write(values.Length);
        w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
    }

    static float[] ReadFloats(BinaryReader r)
    {
        int n = r.ReadInt32();
        var bytes = r.ReadBytes(checked(n * sizeof(float)));
        if (bytes.Length != n * sizeof(float)) throw new EndOfStreamException("truncated");
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }
}
