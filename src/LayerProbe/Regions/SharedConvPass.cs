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
/// written to the stores in item order. In multi-scale mode (SPP-net) the image is run at every scale of the pyramid
/// and each region is pooled from the level <see cref="PyramidLevel"/> picks; a batch runs the head once per level it
/// holds, its rows put back in item order.
/// </summary>
sealed class SharedConvPass : IDisposable
{
    readonly SharedConvNetwork _split;
    readonly RoiPoolEngine _engine;
    readonly ScaledImagePreprocessor[] _levels; // one per scale, smallest first
    readonly int _targetSide;
    readonly IReadOnlyList<string> _targets;
    readonly int _batch, _pooledIndex;
    readonly TimeSpan _commitInterval;
    readonly SessionOptions _options;
    readonly InferenceSession _conv = null!;
    readonly InferenceSession? _head; // ORT engine: pooling + head; managed: the head alone (null when only the pooled layer is asked for)
    readonly List<string> _headOutputs;
    readonly int[] _headIndex; // target index of each head output

    public SharedConvPass(SharedConvNetwork split, RoiPoolEngine engine, IReadOnlyList<ScaledImagePreprocessor> levels, int targetSide, IReadOnlyList<string> targets,
        int batch, ExtractionOptions options)
    {
        (_split, _engine, _levels, _targetSide, _targets, _batch) = (split, engine, [.. levels], targetSide, targets, batch);
        _inputs = [new float[_levels.Length][], new float[_levels.Length][]];
        foreach (var slot in _inputs) Array.Fill(slot, []);
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

    /// <summary>One level of an image, scaled and in the network's numbers.</summary>
    sealed record Prepared(float[] Input, int Width, int Height, double Scale);

    /// <summary>The feature map of one level of the current image.</summary>
    sealed record LevelMap(IDisposableReadOnlyCollection<OrtValue> Map, OrtValue Input, long[] Shape, float[]? Values, double Scale) : IDisposable
    {
        public void Dispose()
        {
            Map.Dispose();
            Input.Dispose();
        }
    }

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
        var levelRows = new int[_levels.Length][];
        var levelOutputs = _levels.Length == 1 ? [] : cols.Select(c => new float[_batch * c]).ToArray();
        var levelPooled = _engine == RoiPoolEngine.Managed && _levels.Length > 1 ? (_pooledIndex >= 0 ? levelOutputs[_pooledIndex] : pooled) : pooled;
        var levelOf = new int[_batch];
        var factors = new double[_levels.Length];
        Task<Prepared[]>? next = Prepare(regions, firstImage, cancellation);
        var wait = new Stopwatch();
        for (int image = firstImage; image < regions.Images; image++)
        {
            int first = regions.FirstItem(image), rows = regions.FirstItem(image + 1) - first;
            if (rows == 0) continue;
            wait.Restart();
            var inputs = next!.GetAwaiter().GetResult();
            WaitingForInput += wait.Elapsed;
            next = NextWithRows(regions, image + 1, cancellation);
            var annotation = regions.Annotation(image);
            var proposals = regions.Proposals(image);
            wait.Restart();
            var maps = new List<LevelMap>(inputs.Length);
            try
            {
                foreach (var input in inputs)
                {
                    var mapInput = Tensor(input.Input, [1, _levels[0].Channels, input.Height, input.Width]);
                    var map = RunConv(mapInput);
                    maps.Add(new LevelMap(map, mapInput, map[0].GetTensorTypeAndShape().Shape,
                        _engine == RoiPoolEngine.Managed ? map[0].GetTensorDataAsSpan<float>().ToArray() : null, input.Scale));
                }
                for (int l = 0; l < maps.Count; l++) factors[l] = maps[l].Scale;
                Inferring += wait.Elapsed;
                for (int row = image == firstImage ? firstRow : 0; row < rows; row += _batch)
                {
                    cancellation.ThrowIfCancellationRequested();
                    int n = Math.Min(_batch, rows - row);
                    for (int k = 0; k < n; k++)
                    {
                        levelOf[k] = maps.Count == 1 ? 0 : PyramidLevel.Of(RegionRows.Box(annotation, proposals, row + k), factors, _targetSide);
                        ids[k] = regions.Id(first + row + k);
                    }
                    wait.Restart();
                    if (maps.Count == 1) Pool(maps[0], annotation, proposals, row, [.. Enumerable.Range(0, n)], rois, pooled, outputs);
                    else
                        for (int l = 0; l < maps.Count; l++)
                        {
                            levelRows[l] = [.. Enumerable.Range(0, n).Where(k => levelOf[k] == l)];
                            if (levelRows[l].Length == 0) continue;
                            Pool(maps[l], annotation, proposals, row, levelRows[l], rois, levelPooled, levelOutputs);
                            for (int t = 0; t < cols.Length; t++)
                                for (int j = 0; j < levelRows[l].Length; j++)
                                    Array.Copy(levelOutputs[t], j * cols[t], outputs[t], levelRows[l][j] * cols[t], cols[t]);
                        }
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
            finally
            {
                foreach (var m in maps) m.Dispose();
            }
        }
    }

    /// <summary>
    /// Pools the regions <paramref name="members"/> (offsets from row <paramref name="row"/> of the image) from one level's
    /// map and runs them through the head, into the first rows of <paramref name="outputs"/> in the order given.
    /// </summary>
    void Pool(LevelMap level, VocAnnotation annotation, IReadOnlyList<PixelBox> proposals, int row, int[] members, float[] rois, float[] pooled, float[][] outputs)
    {
        int n = members.Length;
        for (int j = 0; j < n; j++)
        {
            rois[5 * j] = 0; // batch index: the one image
            RoiMaxPool.Region(RegionRows.Box(annotation, proposals, row + members[j]), level.Scale, rois.AsSpan(5 * j + 1, 4));
        }
        if (_engine == RoiPoolEngine.Ort) RunHead([level.Map[0], Tensor(rois, [n, 5])], outputs, n);
        else PoolManaged(level.Values!, level.Shape, rois, n, pooled, outputs);
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
        foreach (var level in _levels) CheckScale(level);
    }

    void CheckScale(ScaledImagePreprocessor level)
    {
        int side = level.ShorterSide;
        string problem;
        try
        {
            using var zeros = Tensor(new float[level.Channels * side * side], [1, level.Channels, side, side]);
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

    Task<Prepared[]>? NextWithRows(VocRegions regions, int image, CancellationToken cancellation)
    {
        while (image < regions.Images && regions.FirstItem(image + 1) == regions.FirstItem(image)) image++;
        return image < regions.Images ? Prepare(regions, image, cancellation) : null;
    }

    readonly float[][][] _inputs; // two alternating slots, one buffer per level each
    int _nextInput;

    /// <summary>Decodes image <paramref name="image"/> and scales it to every level on a pool thread, into one of two alternating slots.</summary>
    Task<Prepared[]> Prepare(VocRegions regions, int image, CancellationToken cancellation)
    {
        int slot = _nextInput;
        _nextInput ^= 1;
        return Task.Run(() =>
        {
            var pixels = regions.Decode(image);
            var prepared = new Prepared[_levels.Length];
            for (int l = 0; l < _levels.Length; l++)
            {
                var scaled = _levels[l];
                var (w, h) = scaled.SizeOf(pixels.Width, pixels.Height);
                int length = scaled.Channels * w * h;
                if (_inputs[slot][l].Length < length) _inputs[slot][l] = new float[length];
                var buffer = _inputs[slot][l];
                scaled.Fill(pixels, buffer.AsSpan(0, length));
                prepared[l] = new Prepared(buffer, w, h, scaled.ScaleOf(pixels.Width, pixels.Height));
            }
            return prepared;
        }, cancellation);
    }

    public void Dispose()
    {
        _head?.Dispose();
        _conv?.Dispose();
        _options.Dispose();
    }
}
