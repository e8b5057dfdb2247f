namespace LayerProbe.Tests.Fuzz;

/// <summary>
/// A temporary folder for the fuzz inputs, in memory (/dev/shm) where there is one: each campaign writes thousands of
/// small files, and on a busy disk their writes, not the parsers, would set the pace. Removed on dispose.
/// </summary>
sealed class ScratchDir : IDisposable
{
    public string Path { get; } = Directory.Exists("/dev/shm")
        ? Directory.CreateDirectory(System.IO.Path.Combine("/dev/shm", $"layerprobe-fuzz-{Guid.NewGuid():N}")).FullName
        : Directory.CreateTempSubdirectory("layerprobe-fuzz-").FullName;

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose() { try { Directory.Delete(Path, true); } catch (IOException) { } }
}
