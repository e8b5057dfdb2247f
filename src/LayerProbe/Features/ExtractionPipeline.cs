using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using LayerProbe.Data;
using Microsoft.ML.OnnxRuntime;

namespace LayerProbe.Features;

/// <summary>
/// Three stages on three threads joined by bounded channels: decode + preprocess into input buffers (the items of a
/// batch split over <see cref="ExtractionOptions.PreprocessThreads"/>), ONNX Runtime inference (<see cref="InferenceFeed"/>)
/// straight into output buffers laid out as the stores' disk blocks (<see cref="BlockAlignedRows"/>), and
/// handing those blocks to the stores — activations are never copied. All buffers are faulted in before the first
/// batch (<see cref="PrefaultedBuffer"/>). The first and last stage run at a lower priority
/// (<see cref="ExtractionOptions.HelperNice"/>) so that they do not stall ORT's parallel operators. Two input and two
/// output buffers circulate, so memory is bounded by about two batches of inputs and activations whatever the data
/// set size.
/// </summary>
sealed class ExtractionPipeline(InferenceSession session, string inputName, IItemSet items, IPreprocessor preprocessor,
    IReadOnlyList<LayerStore> layers, IReadOnlyList<FeatureStoreWriter> writers, ExtractionOptions options, IProgress<ExtractionProgress>? progress, Stopwatch clock)
{
    const int BuffersPerStage = 2;

    sealed class Batch(int inputLength, int batchSize) : IDisposable
    {
        public readonly PrefaultedBuffer Input = new(inputLength);
        public readonly string[] Ids = new string[batchSize];
        public int First, Count;
        public void Dispose() => ((IDisposable)Input).Dispose();
    }

    sealed class OutputSet(IReadOnlyList<FeatureStoreWriter> writers, int batchSize) : IDisposable
    {
        public readonly BlockAlignedRows[] Values = writers.Select(w => new BlockAlignedRows(batchSize * w.Header.Cols)).ToArray();
        public readonly string[] Ids = new string[batchSize];
        public int Count;
        public void Dispose() { foreach (var v in Values) v.Dispose(); }
    }

    /// <summary>Time the inference thread waited for preprocessed inputs (decode/preprocess is the bottleneck when large).</summary>
    public TimeSpan WaitingForInput { get; private set; }
    /// <summary>Time the inference thread waited for a free output buffer (store writing is the bottleneck when large).</summary>
    public TimeSpan WaitingForStore { get; private set; }
    /// <summary>Time spent inside ONNX Runtime.</summary>
    public TimeSpan Inferring { get; private set; }

    int ItemLength => preprocessor.Channels * preprocessor.Height * preprocessor.Width;

    /// <summary>Extracts items <paramref name="start"/>..end into the writers (not completing them).</summary>
    public void Run(int start, CancellationToken cancellation)
    {
        if (start >= items.Count) return;
        var freeInputs = Channel.CreateBounded<Batch>(BuffersPerStage);
        var freeOutputs = Channel.CreateBounded<OutputSet>(BuffersPerStage);
        var buffers = new List<IDisposable>();
        try
        {
            for (int i = 0; i < BuffersPerStage; i++)
            {
                var input = new Batch(options.BatchSize * ItemLength, options.BatchSize);
                buffers.Add(input);
                freeInputs.Writer.TryWrite(input);
                var output = new OutputSet(writers, options.BatchSize);
                buffers.Add(output);
                freeOutputs.Writer.TryWrite(output);
                if (options.Device.IsCuda) // page-locked, so the device copies batches in and out by DMA
                {
                    input.Input.PinForCuda();
                    foreach (var v in output.Values) v.PinForCuda();
                }
            }
            RunStages(start, freeInputs, freeOutputs, cancellation);
        }
        finally
        {
            foreach (var b in buffers) b.Dispose();
        }
    }

    /// <summary>The three stages over the circulating buffers; the first failure cancels the others and is rethrown.</summary>
    void RunStages(int start, Channel<Batch> freeInputs, Channel<OutputSet> freeOutputs, CancellationToken cancellation)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var token = linked.Token;
        var readyInputs = Channel.CreateBounded<Batch>(1);
        var readyOutputs = Channel.CreateBounded<OutputSet>(1);
        var failures = new List<Exception>();
        void Guarded(Action body, ChannelWriter<Batch>? inputsOut, ChannelWriter<OutputSet>? outputsOut)
        {
            try
            {
                body();
                inputsOut?.TryComplete();
                outputsOut?.TryComplete();
            }
            catch (Exception e)
            {
                lock (failures) failures.Add(e);
                linked.Cancel();
                inputsOut?.TryComplete(e);
                outputsOut?.TryComplete(e);
            }
        }

        var producer = Task.Factory.StartNew(() => Guarded(() => Produce(start, freeInputs.Reader, readyInputs.Writer, token), readyInputs.Writer, null),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        var writer = Task.Factory.StartNew(() => Guarded(() => Store(start, readyOutputs.Reader, freeOutputs.Writer, token), null, null),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Guarded(() => Infer(readyInputs.Reader, freeInputs.Writer, freeOutputs.Reader, readyOutputs.Writer, token), null, readyOutputs.Writer);
        Task.WaitAll(producer, writer);

        cancellation.ThrowIfCancellationRequested();
        var cause = failures.FirstOrDefault(e => e is not OperationCanceledException) ?? failures.FirstOrDefault();
        if (cause is not null) ExceptionDispatchInfo.Capture(cause).Throw();
    }

    void Produce(int start, ChannelReader<Batch> free, ChannelWriter<Batch> ready, CancellationToken token)
    {
        HelperThreadPriority.Lower(options.HelperNice);
        int threads = Math.Max(1, options.ResolvedPreprocessThreads);
        for (int first = start; first < items.Count; first += options.BatchSize)
        {
            var b = Take(free, token) ?? throw new OperationCanceledException(token);
            b.First = first;
            b.Count = Math.Min(options.BatchSize, items.Count - first);
            if (threads == 1) Prepare(b, 0, b.Count, token);
            else
            {
                // Contiguous slices keep consecutive items (the regions of one image) on one thread's decode.
                try
                {
                    Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = token },
                        t => Prepare(b, t * b.Count / threads, (t + 1) * b.Count / threads, token));
                }
                catch (AggregateException e) { ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw(); }
            }
            Put(ready, b, token);
        }
    }

    /// <summary>Decodes and preprocesses items <paramref name="from"/>..<paramref name="to"/> (exclusive) of batch <paramref name="b"/>.</summary>
    void Prepare(Batch b, int from, int to, CancellationToken token)
    {
        int length = ItemLength;
        for (int j = from; j < to; j++)
        {
            token.ThrowIfCancellationRequested();
            var (image, region) = items.Load(b.First + j);
            preprocessor.Fill(image, region, b.Input.Span.Slice(j * length, length));
            b.Ids[j] = items.Id(b.First + j);
        }
    }

    void Infer(ChannelReader<Batch> ready, ChannelWriter<Batch> freeInputs, ChannelReader<OutputSet> freeOutputs,
        ChannelWriter<OutputSet> stored, CancellationToken token)
    {
        using var feed = new InferenceFeed(session, inputName, [.. layers.Select(l => l.Value)], options);
        using var runOptions = new RunOptions();
        using var terminate = token.Register(() => runOptions.Terminate = true);
        var outputs = new Memory<float>[writers.Count];
        long[][] itemShapes = [.. layers.Select(l => l.Shape.Select(d => (long)d).ToArray())];
        var wait = new Stopwatch();
        while (true)
        {
            wait.Restart();
            if (Take(ready, token) is not { } b) break;
            WaitingForInput += wait.Elapsed;
            wait.Restart();
            var set = Take(freeOutputs, token) ?? throw new OperationCanceledException(token);
            WaitingForStore += wait.Elapsed;
            wait.Restart();
            int n = b.Count;
            for (int i = 0; i < writers.Count; i++)
                outputs[i] = set.Values[i].Place(writers[i].BlockOffsetOfRow(b.First), checked((int)(n * writers[i].Header.Cols)));
            try { feed.Run(runOptions, b.Input.Memory[..(n * ItemLength)], [n, preprocessor.Channels, preprocessor.Height, preprocessor.Width], outputs, itemShapes); }
            catch (OnnxRuntimeException) when (token.IsCancellationRequested) { throw new OperationCanceledException(token); }
            Inferring += wait.Elapsed;
            Array.Copy(b.Ids, set.Ids, n);
            set.Count = n;
            Put(freeInputs, b, token);
            Put(stored, set, token);
        }
    }

    void Store(int start, ChannelReader<OutputSet> ready, ChannelWriter<OutputSet> free, CancellationToken token)
    {
        HelperThreadPriority.Lower(options.HelperNice);
        int done = start;
        var lastCommit = clock.Elapsed;
        while (Take(ready, token) is { } set)
        {
            var ids = new ArraySegment<string>(set.Ids, 0, set.Count);
            for (int i = 0; i < writers.Count; i++)
            {
                token.ThrowIfCancellationRequested();
                writers[i].Append(set.Values[i], ids);
            }
            done += set.Count;
            if (done == items.Count || clock.Elapsed - lastCommit >= options.CommitInterval)
            {
                token.ThrowIfCancellationRequested();
                foreach (var w in writers) w.Commit();
                lastCommit = clock.Elapsed;
            }
            Put(free, set, token);
            progress?.Report(new ExtractionProgress(done, items.Count, start, clock.Elapsed));
        }
    }

    static T? Take<T>(ChannelReader<T> reader, CancellationToken token) where T : class
    {
        while (true)
        {
            if (reader.TryRead(out var item)) return item;
            var wait = reader.WaitToReadAsync(token);
            bool more = wait.IsCompletedSuccessfully ? wait.Result : wait.AsTask().GetAwaiter().GetResult();
            if (!more) return null;
        }
    }

    static void Put<T>(ChannelWriter<T> writer, T item, CancellationToken token)
    {
        var write = writer.WriteAsync(item, token);
        if (!write.IsCompletedSuccessfully) write.AsTask().GetAwaiter().GetResult();
    }
}
