using System.Security.Cryptography;
using LayerProbe.Data;
using OpenCvSharp;

namespace LayerProbe.Proposals;

/// <summary>What a proposals run produced: the store folder, images computed now and images already done.</summary>
/// <param name="Directory">The complete store.</param>
/// <param name="Computed">Images computed by this run.</param>
/// <param name="Resumed">Images whose results an earlier, interrupted run had kept.</param>
public sealed record ProposalRunResult(string Directory, int Computed, int Resumed);

/// <summary>
/// Computes selective-search proposals for every image of a set into a content-addressed store under an output folder:
/// images in parallel (OpenCV's selective search is single-threaded per image; OpenCV's own thread pool is set to one
/// thread), each finished image saved at once (<see cref="PendingResults"/>), so a kill loses at most the images in
/// flight and a rerun computes only the rest; when all are done the store is assembled in image order.
/// </summary>
public static class ProposalRun
{
    /// <summary>Method identity hashed into the key: the implementation and its version.</summary>
    public static string MethodIdentity => $"opencv-ximgproc-selective-search {Cv2.GetVersionString()}";

    /// <summary>Runs (or resumes, or finds complete) the store for <paramref name="images"/>.</summary>
    /// <remarks>
    /// With <paramref name="shard"/> only that shard's images are computed, into the shard store beside the whole one
    /// (same key: the fingerprint is the whole set's), to be joined by <see cref="Sharding.ShardMerge"/>; a complete
    /// whole store makes a shard run a no-op.
    /// </remarks>
    public static ProposalRunResult Compute(ImageFileSet images, SelectiveSearchSettings settings, string outDirectory, int threads,
        IProgress<long>? progress = null, CancellationToken cancel = default, Sharding.Shard? shard = null)
    {
        if (threads < 1) throw LayerProbeException.ForParameter("threads", $"must be at least 1, got {threads}");
        var hashes = images.ContentHashes();
        var key = ProposalStoreFiles.Key(MethodIdentity, ImageFileSet.Fingerprint(images.Ids, hashes), settings.Description);
        string directory = Path.Combine(outDirectory, key.DirectoryName($"proposals-{settings.Mode}"));
        if (ProposalStoreFiles.IsComplete(directory)) return new ProposalRunResult(directory, 0, images.Count);
        var record = shard is { } s ? Sharding.ShardRecord.Of(s, images.Count) : (Sharding.ShardRecord?)null;
        if (record is { } range)
        {
            directory = range.Shard.Directory(directory);
            if (ProposalStoreFiles.IsComplete(directory)) return new ProposalRunResult(directory, 0, (int)range.Items);
            images = ImageFileSet.Of(images.Name, images.Ids.Skip((int)range.First).Take((int)range.Items).ToList(), images.Paths.Skip((int)range.First).Take((int)range.Items).ToList());
            hashes = hashes[(int)range.First..(int)(range.First + range.Items)];
        }

        var pending = new PendingResults(directory);
        try { Directory.CreateDirectory(pending.Folder); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw LayerProbeException.For(directory, $"cannot create ({e.Message})", e); }
        var todo = Enumerable.Range(0, images.Count).Where(i => pending.TryLoad(i) is null).ToArray();
        int resumed = images.Count - todo.Length;
        long done = resumed;
        progress?.Report(done);

        Cv2.SetNumThreads(1);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        int next = -1;
        Exception? failure = null;
        void Work()
        {
            try
            {
                for (int t; !stop.IsCancellationRequested && (t = Interlocked.Increment(ref next)) < todo.Length;)
                {
                    int i = todo[t];
                    var bytes = ReadImage(images, i);
                    if (Convert.ToHexStringLower(SHA256.HashData(bytes)) != hashes[i])
                        throw LayerProbeException.For(images.Paths[i], "image changed while proposals were computed; rerun");
                    pending.Save(i, SelectiveSearch.Run(bytes, settings, images.Paths[i]));
                    progress?.Report(Interlocked.Increment(ref done));
                }
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, e, null);
                stop.Cancel();
            }
        }
        var workers = Enumerable.Range(0, Math.Min(threads, Math.Max(1, todo.Length))).Select(_ => new Thread(Work) { IsBackground = true }).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        cancel.ThrowIfCancellationRequested();

        var entries = new ProposalStoreWriter.Entry[images.Count];
        for (int i = 0; i < images.Count; i++)
        {
            var r = pending.TryLoad(i) ?? throw LayerProbeException.For(pending.Folder, $"result of image {images.Ids[i]} vanished; rerun");
            entries[i] = new(images.Ids[i], r.Width, r.Height, hashes[i], r.Boxes.Count);
        }
        var manifest = new ProposalManifest
        {
            Method = "selective-search", MethodIdentity = MethodIdentity, Parameters = settings.Description, Settings = settings,
            DataName = images.Name, DataFingerprint = key.ItemsFingerprint, Key = key.Hash, Images = images.Count, Boxes = 0,
            FormatVersion = key.FormatVersion, ToolVersion = Reports.Manifest.ToolVersion, DotNetVersion = Environment.Version.ToString(),
            Created = DateTime.UtcNow.ToString("O"),
        };
        ProposalStoreWriter.Write(directory, entries, i => (pending.TryLoad(i) ?? throw LayerProbeException.For(pending.Folder, $"result of image {images.Ids[i]} vanished; rerun")).Boxes, manifest,
            record is { } written ? written.Write : null);
        pending.Delete();
        return new ProposalRunResult(directory, todo.Length, resumed);
    }

    static byte[] ReadImage(ImageFileSet images, int i)
    {
        try { return File.ReadAllBytes(images.Paths[i]); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw LayerProbeException.For(images.Paths[i], $"cannot read image: {e.Message}", e); }
    }
}
