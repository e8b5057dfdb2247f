using LayerProbe.Features;

namespace LayerProbe.Tests.Features;

/// <summary>The per-store write lock and what the writer does with it (in this process; other processes: <see cref="StoreFaultTests"/>).</summary>
public class StoreWriteLockTests
{
    static FeatureManifest Manifest() => new()
    {
        ModelPath = "m.onnx", ModelSha256 = "00", DataName = "d", DataFingerprint = "f", Preprocessing = "p", LayerAlias = "pool5",
        LayerValue = "pool5", Shape = [4], DType = "float32", Key = "k", FormatVersion = 1, ToolVersion = "t",
        DotNetVersion = "n", OnnxRuntimeVersion = "o", Created = "c", Rows = 0, Complete = false,
    };

    static readonly FeatureMatrixHeader Header = FeatureMatrixHeader.ForShape(FeatureDType.Float32, 3, [4]);

    [Fact]
    public void A_second_writer_waits_saying_whom_it_waits_for_and_gets_the_lock_when_the_first_lets_go()
    {
        using var tmp = new TempDir();
        string store = tmp.Sub("store");
        var first = StoreWriteLock.Acquire(store);
        Assert.Equal(Environment.ProcessId, StoreWriteLock.Holder(store));
        Assert.Null(StoreWriteLock.TryAcquire(store)); // flock conflicts between two opens of one process too

        var said = new List<string>();
        var second = Task.Run(() => StoreWriteLock.Acquire(store, line => { lock (said) said.Add(line); }));
        // under load the task may start late: wait for its waiting line (it is said before it blocks), not a fixed time
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && !second.IsCompleted) { lock (said) if (said.Count > 0) break; Thread.Sleep(10); }
        Assert.False(second.Wait(200), "the second writer got the lock while the first held it");
        lock (said) Assert.Equal([$"waiting for PID {Environment.ProcessId} writing {store}"], said);
        first.Dispose();
        Assert.True(second.Wait(TimeSpan.FromSeconds(10)));
        using (second.Result) Assert.Null(StoreWriteLock.TryAcquire(store));
        using var third = StoreWriteLock.TryAcquire(store);
        Assert.NotNull(third);
    }

    [Fact]
    public void Waiting_for_a_lock_can_be_cancelled()
    {
        using var tmp = new TempDir();
        using var held = StoreWriteLock.Acquire(tmp.Path);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        Assert.ThrowsAny<OperationCanceledException>(() => StoreWriteLock.Acquire(tmp.Path, _ => { }, cancel.Token));
    }

    [Fact]
    public void A_writer_holds_its_store_until_disposed_and_a_second_writer_of_the_store_cannot_cut_it_back()
    {
        using var tmp = new TempDir();
        using (var writer = FeatureStoreWriter.OpenOrCreate(tmp.Path, Header, Manifest()))
        {
            writer.Append([1, 2, 3, 4, 5, 6, 7, 8], ["a", "b"]);
            writer.Commit();
            Assert.Null(StoreWriteLock.TryAcquire(tmp.Path));
            var intruder = Task.Run(() => FeatureStoreWriter.OpenOrCreate(tmp.Path, Header, Manifest()));
            Assert.False(intruder.Wait(300)); // waits instead of reopening (and truncating) a store it does not own
            writer.Append([9, 10, 11, 12], ["c"]);
            writer.Complete();
            writer.Dispose();
            // the waiter gets the lock, then finds the store complete: it refuses to reopen it
            var e = Assert.Throws<AggregateException>(() => intruder.Wait(TimeSpan.FromSeconds(10)));
            Assert.IsType<InvalidOperationException>(e.InnerException);
        }
        using var m = FeatureMatrix.Open(tmp.Path);
        Assert.Equal(["a", "b", "c"], m.Ids);
        Assert.Equal([9f, 10, 11, 12], m.Row(2).ToArray());
        using var free = StoreWriteLock.TryAcquire(tmp.Path);
        Assert.NotNull(free); // the refused writer released the lock it took
    }

    [Fact]
    public void A_complete_store_is_never_reopened_for_writing()
    {
        using var tmp = new TempDir();
        using (var writer = FeatureStoreWriter.OpenOrCreate(tmp.Path, Header, Manifest()))
        {
            writer.Append(new float[12], ["a", "b", "c"]);
            writer.Complete();
        }
        var before = File.ReadAllBytes(Path.Combine(tmp.Path, FeatureStoreFiles.Matrix));
        Assert.Throws<InvalidOperationException>(() => FeatureStoreWriter.OpenOrCreate(tmp.Path, Header, Manifest()));
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(tmp.Path, FeatureStoreFiles.Matrix)));
    }

    [Fact]
    public void A_lock_held_for_another_folder_is_refused()
    {
        using var tmp = new TempDir();
        using var other = StoreWriteLock.Acquire(tmp.Sub("other"));
        Assert.Throws<ArgumentException>(() => FeatureStoreWriter.OpenOrCreate(tmp.Sub("store"), Header, Manifest(), other));
    }
}
