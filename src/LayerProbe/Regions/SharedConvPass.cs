using System.Diagnostics;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Regions;

/// <summary>
/// The ONNX Runtime sessions of a shared-convolution extraction and its loop over images: the convolutional part once
/// per image (the next image is decoded and scaled meanwhile), then the image's regions in batches: each batch's
/// boxes mapped to the scaled image (<see cref="RoiMaxPool.Region"/>), pooled (by <c>MaxRoiPool</c> in the same session
/// as the head, or by <see cref="RoiMaxPool"/> with the head as its own session) and run through the head, the results
/// written to the stores in item order.
/// </summary>
sealed class SharedConvPass : IDisposable
{
    readonly SharedConvNetwork _split;
    readonly RoiPoolEngine _engine;
    readonly ScaledImagePreprocessor _scaled;
    readonly IReadOnlyList<string> _targets;
    readonly int _batch, _pooledIndex;
    readonly TimeSpan _commitInterval;
    readonly SessionOptions _options;
    readonly InferenceSession _conv = null!;
    readonly InferenceSession? _head; // ORT engine: pooling + head; managed: the head alone (null when only the pooled layer is asked for)
    readonly List<string> _headOutputs;
    readonly int[] _headIndex; // target index of each head output

    public SharedConvPass(SharedConvNetwork split, RoiPoolEngine engine, ScaledImagePreprocessor scaled, IReadOnlyList<string> targets, int batch, ExtractionOptions options)
    {
        (_split, _engine, _scaled, _targets, _batch) = (split, engine, scaled, targets, batch);
        _pooledIndex = targets.ToList().IndexOf(split.PooledValue);
        _headOutputs = engine == RoiPoolEngine.Ort ? [.. targets] : [.. targets.Where(t => t != split.PooledValue)];
        _headIndex = [.. _headOutputs.Select(t => targets.ToList().IndexOf(t))];
        _commitInterval = options.CommitInterval;
        _options = FeatureExtractor.CreateSessionOptions(options);
        try
        {
            _conv = OnnxSession.Create(split.Network, split.ConvModel(), _options);
            var fcRanks = FcRanks.Resolve(split.Network, options.FcRanks);
            var bytes = engine == RoiPoolEngine.Ort ? split.RoiPoolModel(targets, fcRanks, options.FcRanks?.FactorCache) : split.HeadModel(targets, fcRanks, options.FcRanks?.FactorCache);
            _head = bytes is null ? null : OnnxSession.Create(split.Network, bytes, _options);
            CheckScale();
            Shapes = ProbeShapes();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The graph values computed, in store order.</summary>
    public IReadOnlyList<string> Targets => _targets;
    /// <summary>Per-row shape of each target, in order.</summary>
    public int[][] Shapes { get; }
    /// <summary>Time spent in ONNX Runtime and pooling.</summary>
    public TimeSpan Inferring { get; private set; }
    /// <summary>Time waiting for the next image's decode and scaling.</summary>
    public TimeSpan WaitingForInput { get; private set; }

    sealed record Prepared(float[] Input, int Width, int Height, double Scale);

    /// <summary>Writes rows <paramref name="start"/>.. of <paramref name="regions"/> to <paramref name="writers"/> (one per target).</summary>
    public void Run(VocRegions regions, int start, IReadOnlyList<FeatureStoreWriter> writers, IProgress<ExtractionProgress>? progress, Stopwatch clock, CancellationToken cancellation)
    {
        if (start >= regions.Count) return;
        int[] cols = Shapes.Select(s => s.Aggregate(1, (a, b) => a * b)).ToArray();
        var outputs = cols.Select(c => new float[_batch * c]).ToArray();
        var pooled = _engine == RoiPoolEngine.Managed ? (_pooledIndex >= 0 ? outputs[_pooledIndex] : new float[_batch * _split.Channels * _split.GridHeight * _split.GridWidth]) : [];
        var rois = new float[_batch * 5];
        var ids = new string[_batch];
        var lastCommit = clock.Elapsed;
        int done = start;
        var (firstImage, firstRow) = regions.Locate(start);
        Task<Prepared>? next = Prepare(regions, firstImage, cancellation);
        var wait = new Stopwatch();
        for (int image = firstImage; image < regions.Images; image++)
        {
            int first = regions.FirstItem(image), rows = regions.FirstItem(image + 1) - first;
            if (rows == 0) continue;
            wait.Restart();
            var input = next!.GetAwaiter().GetResult();
            WaitingForInput += wait.Elapsed;
            next = NextWithRows(regions, image + 1, cancellation);
            var annotation = regions.Annotation(image);
            var proposals = regions.Proposals(image);
            wait.Restart();
            using var mapInput = Tensor(input.Input, [1, _scaled.Channels, input.Height, input.Width]);
            using var map = RunConv(mapInput);
            var mapShape = map[0].GetTensorTypeAndShape().Shape;
            float[]? mapValues = _engine == RoiPoolEngine.Managed ? map[0].GetTensorDataAsSpan<float>().ToArray() : null;
            Inferring += wait.Elapsed;
            for (int row = image == firstImage ? firstRow : 0; row < rows; row += _batch)
            {
                cancellation.ThrowIfCancellationRequested();
                int n = Math.Min(_batch, rows - row);
                for (int k = 0; k < n; k++)
                {
                    rois[5 * k] = 0; // batch index: the one image
                    RoiMaxPool.Region(RegionRows.Box(annotation, proposals, row + k), input.Scale, rois.AsSpan(5 * k + 1, 4));
                    ids[k] = regions.Id(first + row + k);
                }
                wait.Restart();
                if (_engine == RoiPoolEngine.Ort) RunHead([map[0], Tensor(rois, [n, 5])], outputs, n);
                else PoolManaged(mapValues!, mapShape, rois, n, pooled, outputs);
                Inferring += wait.Elapsed;
                var batchIds = new ArraySegment<string>(ids, 0, n);
                for (int t = 0; t < writers.Count; t++) writers[t].Append(outputs[t].AsSpan(0, n * cols[t]), batchIds);
                done += n;
                if (done == regions.Count || clock.Elapsed - lastCommit >= _commitInterval)
                {
                    foreach (var w in writers) w.Commit();
                    lastCommit = clock.Elapsed;
                }
                progress?.Report(new ExtractionProgress(done, regions.Count, start, clock.Elapsed));
            }
        }
    }

    void PoolManaged(float[] map, long[] mapShape, float[] rois, int n, float[] pooled, float[][] outputs)
    {
        var boxes = new float[4 * n];
        for (int k = 0; k < n; k++) Array.Copy(rois, 5 * k + 1, boxes, 4 * k, 4);
        RoiMaxPool.Pool(map, (int)mapShape[1], (int)mapShape[2], (int)mapShape[3], boxes, n, 1f / _split.Stride, _split.GridHeight, _split.GridWidth, pooled);
        if (_head is null) return;
        RunHead([Tensor(pooled, [n, .. _split.PooledShape.Select(d => (long)d)])], outputs, n);
    }

    /// <summary>Runs the head session on <paramref name="inputs"/> into the target buffers <paramref name="outputs"/> (disposing the inputs it made).</summary>
    void RunHead(OrtValue[] inputs, float[][] outputs, int n)
    {
        var values = _headIndex.Select(t => Tensor(outputs[t], [n, .. Shapes[t].Select(d => (long)d)])).ToArray();
        try
        {
            using var run = new RunOptions();
            string[] names = _engine == RoiPoolEngine.Ort ? [SharedConvNetwork.FeatureMapInput, SharedConvNetwork.RoisInput] : [_split.PooledValue];
            _head!.Run(run, names, inputs, _headOutputs, values);
        }
        catch (OnnxRuntimeException e) { throw OnnxSession.Failure(_split.Network, "run", e); }
        finally
        {
            foreach (var v in values) v.Dispose();
            foreach (var i in inputs.Skip(_engine == RoiPoolEngine.Ort ? 1 : 0)) i.Dispose(); // the feature map belongs to the caller
        }
    }

    IDisposableReadOnlyCollection<OrtValue> RunConv(OrtValue input)
    {
        try
        {
            using var run = new RunOptions();
            return _conv.Run(run, [_split.Network.InputName], [input], [_split.FeatureValue]);
        }
        catch (OnnxRuntimeException e) { throw OnnxSession.Failure(_split.Network, "run", e); }
    }

    /// <summary>Refuses a scale at which the layer's map (on a square image of the shorter side) is smaller than the grid.</summary>
    void CheckScale()
    {
        int side = _scaled.ShorterSide;
        string problem;
        try
        {
            using var zeros = Tensor(new float[_scaled.Channels * side * side], [1, _scaled.Channels, side, side]);
            using var run = new RunOptions();
            using var map = _conv.Run(run, [_split.Network.InputName], [zeros], [_split.FeatureValue]);
            var shape = map[0].GetTensorTypeAndShape().Shape;
            if (shape[2] >= _split.GridHeight && shape[3] >= _split.GridWidth) return;
            problem = $"'{_split.Layer}' is {shape[2]}x{shape[3]} on a {side}x{side} image, smaller than the {_split.GridHeight}x{_split.GridWidth} grid of '{_split.PooledValue}'; use a larger scale";
        }
        catch (OnnxRuntimeException e) { problem = $"the layers up to '{_split.Layer}' cannot run on a {side}x{side} image ({e.Message.Split('\n')[0].Trim()}); use a larger scale"; }
        throw LayerProbeException.ForParameter("shorterSide", $"{side}: {problem}");
    }

    /// <summary>Per-row shapes of the targets: the grid for the pooled value, the head's outputs from one run on a zero row.</summary>
    int[][] ProbeShapes()
    {
        var shapes = new int[_targets.Count][];
        if (_pooledIndex >= 0) shapes[_pooledIndex] = _split.PooledShape;
        if (_head is null) return shapes;
        long[] pooledShape = [1, .. _split.PooledShape.Select(d => (long)d)];
        OrtValue[] inputs = _engine == RoiPoolEngine.Ort
            ? [Tensor(new float[_split.PooledShape.Aggregate(1, (a, b) => a * b)], pooledShape), Tensor(new float[5], [1, 5])]
            : [Tensor(new float[_split.PooledShape.Aggregate(1, (a, b) => a * b)], pooledShape)];
        try
        {
            string[] names = _engine == RoiPoolEngine.Ort ? [SharedConvNetwork.FeatureMapInput, SharedConvNetwork.RoisInput] : [_split.PooledValue];
            using var run = new RunOptions();
            using var results = _head.Run(run, names, inputs, _headOutputs);
            for (int i = 0; i < _headOutputs.Count; i++)
            {
                var shape = results[i].GetTensorTypeAndShape().Shape;
                if (shape.Length is < 2 or > 4 || shape[0] != 1)
                    throw LayerProbeException.For(_headOutputs[i], $"head output shape [{string.Join("x", shape)}] is not N×C[×H×W]");
                shapes[_headIndex[i]] = [.. shape.Skip(1).Select(d => (int)d)];
            }
        }
        catch (OnnxRuntimeException e) { throw OnnxSession.Failure(_split.Network, "run", e); }
        finally
        {
            foreach (var v in inputs) v.Dispose();
        }
        return shapes;
    }

    static OrtValue Tensor(float[] values, long[] shape) =>
        OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, values.AsMemory(0, checked((int)shape.Aggregate(1L, (a, b) => a * b))), shape);

    Task<Prepared>? NextWithRows(VocRegions regions, int image, CancellationToken cancellation)
    {
        while (image < regions.Images && regions.FirstItem(image + 1) == regions.FirstItem(image)) image++;
        return image < regions.Images ? Prepare(regions, image, cancellation) : null;
    }

    readonly float[][] _inputs = [[], []];
    int _nextInput;

    /// <summary>Decodes and scales image <paramref name="image"/> on a pool thread, into one of two alternating buffers.</summary>
    Task<Prepared> Prepare(VocRegions regions, int image, CancellationToken cancellation)
    {
        int slot = _nextInput;
        _nextInput ^= 1;
        return Task.Run(() =>
        {
            var pixels = regions.Decode(image);
            var (w, h) = _scaled.SizeOf(pixels.Width, pixels.Height);
            int length = _scaled.Channels * w * h;
            if (_inputs[slot].Length < length) _inputs[slot] = new float[length];
            var buffer = _inputs[slot];
            _scaled.Fill(pixels, buffer.AsSpan(0, length));
            return new Prepared(buffer, w, h, _scaled.ScaleOf(pixels.Width, pixels.Height));
        }, cancellation);
    }

    public void Dispose()
    {
        _head?.Dispose();
        _conv?.Dispose();
        _options.Dispose();
    }
}
