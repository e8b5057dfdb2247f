namespace LayerProbe.Tests.Reports;

public class AtomicFileTests
{
    [Fact]
    public void A_failed_write_keeps_the_old_file_and_leaves_no_temp_file()
    {
        string dir = Directory.CreateTempSubdirectory("atomic").FullName;
        string path = Path.Combine(dir, "table.csv");
        File.WriteAllText(path, "old");
        Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write("new, half-written"u8);
            throw new InvalidOperationException("interrupted");
        }));
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(dir));
    }

    [Fact]
    public void Unwritable_target_is_a_clear_error_naming_the_path()
    {
        string blocker = Path.Combine(Directory.CreateTempSubdirectory("atomic").FullName, "file");
        File.WriteAllText(blocker, "x");
        string path = Path.Combine(blocker, "sub", "out.json");  // a file stands where a folder must be
        var e = Assert.Throws<LayerProbeException>(() => AtomicFile.WriteText(path, "{}"));
        Assert.StartsWith(path + ": cannot write", e.Message);
    }
}
