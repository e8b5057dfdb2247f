using System.Diagnostics;
using System.Runtime.InteropServices;
using LayerProbe.Features;
using LayerProbe.Networks;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Regions;

/// <summary>
/// fc6/fc7 on demand (R-CNN's <c>rcnn_pool5_to_fcX</c>): runs the network's <see cref="HeadSubgraph"/> from a stored
/// layer (pool5) to a later one over the stored rows in batches with ONNX Runtime and streams the result into a new
/// feature store, content-addressed by the source store's key, the head (source value → target value of the model)
/// and the dtype. Memory: one batch of source rows and one of results; the ids are streamed, never loaded. Resumes
/// from the committed rows like extraction and ends byte-identical.
/// </summary>
public static class HeadFeatures
{
    /// <summary>
    /// Computes <paramref name="layer"/> for every row of the complete store <paramref name="sourceStore"/> into a
    /// store under <paramref name="outputDirectory"/> (skipped when already complete); returns that store's folder.
    /// </summary>
    public static LayerStore Run(OnnxNetwork network, string sourceStore, string layer, string outputDirectory,
        ExtractionOptions? options = null, IProgress<ExtractionProgress>? progress = null, CancellationToken cancellation = default)
    {
        options ??= new ExtractionOptions();
        if (options.FcRanks is { } fcRanks) options = options with { FcRanks = fcRanks.CachedUnder(outputDirectory) };
        if (options.BatchSize < 1) throw LayerProbeException.ForParameter("batchSize", $"batch size must be at least 1, got {options.BatchSize}");
        if (!FeatureStoreFiles.IsComplete(sourceStore)) throw LayerProbeException.For(sourceStore, "not a complete feature store (extract it first, or rerun to resume)");
        var source = FeatureManifest.Read(Path.Combine(sourceStore, FeatureStoreFiles.Manifest));
        if (source.ModelSha256 != network.Sha256)
            throw LayerProbeException.For(sourceStore, $"was extracted with another model (sha256 {source.ModelSha256[..12]}…, {Path.GetFileName(network.Path)} is {network.Sha256[..12]}…)");
        string target = network.ResolveLayer(layer);
        var ranks = FcRanks.Resolve(network, options.FcRanks);
        var compressed = FcCompression.Applied(ranks, network, source.LayerValue, target);
        var key = new FeatureStoreKey(network.Sha256, source.DataFingerprint, $"head {source.LayerValue}->{target} of store {source.Key}{FcCompression.Tag(compressed)}", target, options.DType);
        string directory = Path.Combine(outputDirectory, key.DirectoryName(layer));
        var clock = Stopwatch.StartNew();

        string matrixPath = Path.Combine(sourceStore, FeatureStoreFiles.Matrix);
        using var input = new FileStream(matrixPath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        Span<byte> head = stackalloc byte[FeatureMatrixHeader.Size];
        input.ReadExactly(head);
        var inHeader = FeatureMatrixHeader.Read(head, matrixPath);
        int[] itemShape = source.Shape;
        if (FeatureStoreFiles.IsComplete(directory))
            return new LayerStore(layer, target, directory, key, FeatureManifest.Read(Path.Combine(directory, FeatureStoreFiles.Manifest)).Shape);
        // A shard computes its range of the source rows, cut at whole batches, into the shard store beside the whole one.
        var record = options.Shard is { } shard ? Sharding.ShardRecord.Of(shard, inHeader.Rows, options.BatchSize) : new Sharding.ShardRecord(new Sharding.Shard(0, 1), 0, inHeader.Rows, inHeader.Rows);
        if (options.Shard is { } part)
        {
            directory = part.Directory(directory);
            if (FeatureStoreFiles.IsComplete(directory))
                return new LayerStore(layer, target, directory, key, FeatureManifest.Read(Path.Combine(directory, FeatureStoreFiles.Manifest)).Shape);
        }

        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = Math.Max(1, options.IntraOpThreads), InterOpNumThreads = 1 };
        options.Device.AppendTo(sessionOptions);
        var headModel = FcCompression.Apply(network, HeadSubgraph.Cut(network, source.LayerValue, [target], [.. itemShape.Select(d => (object)d)]), ranks, options.FcRanks?.FactorCache);
        using var session = OnnxSession.Create(network, headModel.ToByteArray(), sessionOptions);
        int inCols = checked((int)inHeader.Cols), batch = options.BatchSize;
        var inputs = new float[batch * inCols];
        int[] outShape = OutputShape(session, source.LayerValue, target, itemShape, inputs.AsMemory(0, inCols));
        var outHeader = FeatureMatrixHeader.ForShape(options.DType, record.Items, outShape);
        int outCols = checked((int)outHeader.Cols);
        var outputs = new float[batch * outCols];
        var rawRow = new byte[inHeader.RowBytes * batch];

        Directory.CreateDirectory(outputDirectory);
        using var writer = FeatureStoreWriter.OpenOrCreate(directory, outHeader, Manifest(network, source, layer, target, key, outShape, options) with { FcSvdRanks = FcCompression.Record(source.FcSvdRanks, compressed) });
        long start = writer.CommittedRows;
        writer.RewindTo(start);
        using var ids = File.ReadLines(Path.Combine(sourceStore, FeatureStoreFiles.Ids)).Skip((int)(record.First + start)).GetEnumerator();
        input.Seek(inHeader.FileLength(record.First + start), SeekOrigin.Begin);
        var batchIds = new List<string>(batch);
        var lastCommit = clock.Elapsed;
        for (long first = start; first < record.Items; first += batch)
        {
            cancellation.ThrowIfCancellationRequested();
            int n = (int)Math.Min(batch, record.Items - first);
            ReadRows(input, inHeader, rawRow.AsSpan(0, checked((int)(n * inHeader.RowBytes))), inputs.AsSpan(0, n * inCols));
            batchIds.Clear();
            for (int i = 0; i < n; i++)
                batchIds.Add(ids.MoveNext() ? ids.Current : throw LayerProbeException.For(sourceStore, $"fewer ids than its {inHeader.Rows} rows"));
            Infer(session, source.LayerValue, target, itemShape, inputs.AsMemory(0, n * inCols), outShape, outputs.AsMemory(0, n * outCols), n);
            writer.Append(outputs.AsSpan(0, n * outCols), batchIds);
            if (first + n == record.Items || clock.Elapsed - lastCommit >= options.CommitInterval)
            {
                writer.Commit();
                lastCommit = clock.Elapsed;
            }
            progress?.Report(new ExtractionProgress((int)(first + n), (int)record.Items, (int)start, clock.Elapsed));
        }
        if (options.Shard is not null) record.Write(directory);
        writer.Complete();
        return new LayerStore(layer, target, directory, key, outShape);
    }

    static void ReadRows(FileStream input, FeatureMatrixHeader header, Span<byte> raw, Span<float> destination)
    {
        input.ReadExactly(raw);
        if (header.DType == FeatureDType.Float32) { MemoryMarshal.Cast<byte, float>(raw).CopyTo(destination); return; }
        var half = MemoryMarshal.Cast<byte, Half>(raw);
        for (int i = 0; i < half.Length; i++) destination[i] = (float)half[i];
    }

    static int[] OutputShape(InferenceSession session, string from, string target, int[] itemShape, Memory<float> oneRow)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, oneRow, [1, .. itemShape.Select(d => (long)d)]);
        using var results = session.Run(new RunOptions(), [from], [input], [target]);
        var shape = results[0].GetTensorTypeAndShape().Shape;
        if (shape.Length is < 2 or > 4 || shape[0] != 1) throw LayerProbeException.For(target, $"head output shape [{string.Join("x", shape)}] is not N×C[×H×W]");
        return shape.Skip(1).Select(d => (int)d).ToArray();
    }

    static void Infer(InferenceSession session, string from, string target, int[] itemShape, Memory<float> rows, int[] outShape, Memory<float> results, int n)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, rows, [n, .. itemShape.Select(d => (long)d)]);
        using var output = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, results, [n, .. outShape.Select(d => (long)d)]);
        using var run = new RunOptions();
        session.Run(run, [from], [input], [target], [output]);
    }

    static FeatureManifest Manifest(OnnxNetwork network, FeatureManifest source, string layer, string target, FeatureStoreKey key, int[] shape, ExtractionOptions options) =>
        source with
        {
            ModelPath = Path.GetFullPath(network.Path),
            Preprocessing = key.Preprocessing,
            LayerAlias = layer,
            LayerValue = target,
            Shape = shape,
            DType = options.DType.Name(),
            Key = key.Hash,
            OnnxRuntimeVersion = OrtEnv.Instance().GetVersionString(),
            Device = options.Device.ToString(),
            Created = DateTime.UtcNow.ToString("O"),
            Rows = 0,
            Complete = false,
        };
}
