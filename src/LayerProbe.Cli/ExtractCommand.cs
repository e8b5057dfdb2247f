using System.CommandLine;
using LayerProbe.Data;
using LayerProbe.Features;
using LayerProbe.Networks;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe extract --model M --layers pool5,res3b --out DIR (--images DIR | --data SCHEME:ARG) [--batch 16]
/// [--preprocess caffe|torchvision|cntk-resnet|grey] [--channels/--scale/--mean/--std/--size] [--input NAME] [--float16] [--export-npy] [--commit-interval S] [--keep-non-finite] [--device cpu|cuda[:N]] [--shard I/N]
/// [--regions warp|shared-conv --roi-layer L [--roi-scale 600[,S2…] [--roi-target-side N]] [--roi-max-side 1000] [--roi-pool ort|managed] [--roi-batch 256] [--fc-rank fc6=1024,fc7=256]]</c>:
/// features of several layers in one pass into resumable feature stores.
/// </summary>
static class ExtractCommand
{
    public static Command Create()
    {
        var model = OptionCatalogue.Model();
        var input = OptionCatalogue.Input();
        var layers = OptionCatalogue.Layers();
        var output = OptionCatalogue.Out("feature store folder (one content-addressed store per layer; probe --store reads it)");
        var images = new Option<string?>("--images").Deprecates("--data images:DIR");
        var data = OptionCatalogue.Data("items to extract", required: false);
        var preprocess = new PreprocessOptions("input side (adapts the network to it, as probe does; default: its declared input, else 224)");
        var batch = OptionCatalogue.Batch("images per forward pass", 16);
        var half = OptionCatalogue.Float16();
        var npy = new Option<bool>("--export-npy") { Description = "also write features.npy beside each store" };
        var commitEvery = new Option<double>("--commit-interval") { Description = "seconds between commits (0: after every batch); a kill loses at most this much work", DefaultValueFactory = _ => 1.0 };
        var keepNonFinite = new Option<bool>("--keep-non-finite") { Description = "store NaN/infinite activations instead of stopping at the first one" };
        var fcRank = OptionCatalogue.FcRank();
        var command = new Command("extract", "Extract layer activations into feature stores (resumes interrupted runs).")
            { model, input, layers, output, images, data, batch, half, npy, commitEvery, keepNonFinite, fcRank };
        preprocess.AddTo(command);
        var regionOptions = new RegionModeOptions();
        regionOptions.AddTo(command);
        var device = new DeviceOption();
        device.AddTo(command);
        var shard = new ShardOption();
        shard.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            string? imageDir = parse.GetValue(images), spec = parse.GetValue(data);
            var onDevice = device.Value(parse); // before anything is read: cuda on a CPU build is one line at once
            double seconds = parse.GetValue(commitEvery);
            if (!(seconds >= 0) || !double.IsFinite(seconds)) throw LayerProbeException.For("--commit-interval", $"must be a number of seconds ≥ 0, got {seconds}");
            if ((imageDir is null) == (spec is null)) throw new LayerProbeException("extract: give --data SPEC (--images DIR is its older spelling)");
            var request = preprocess.Request(parse);
            var network = OnnxNetwork.Load(parse.GetValue(model)!, parse.GetValue(input)).AtInputSide(request.Size);
            var (items, preprocessor) = DataSources.Default.Items(spec ?? $"images:{imageDir}", network, request);
            using var ownedItems = items as IDisposable; // region items hold the proposals store's map
            var names = ListOption.Items(parse.GetValue(layers)!);
            var options = new ExtractionOptions
            {
                BatchSize = parse.GetValue(batch),
                DType = parse.GetValue(half) ? FeatureDType.Float16 : FeatureDType.Float32,
                ExportNpy = parse.GetValue(npy),
                KeepNonFinite = parse.GetValue(keepNonFinite),
                CommitInterval = TimeSpan.FromSeconds(seconds),
                Device = onDevice,
                Shard = shard.Value(parse),
                FcRanks = OptionCatalogue.FcRanks(parse, fcRank),
            };
            Console.WriteLine($"{network.Path}  {items.Name} ({items.Count} items)  layers {string.Join(",", names)}  {preprocessor.Description}  batch {options.BatchSize}  {options.DType.Name()}  {options.Device}");
            int count = items.Count;
            if (options.Shard is { } part)
            {
                var (first, length) = part.Range(items.Count, Math.Max(1, options.BatchSize));
                count = (int)length;
                Console.WriteLine($"shard {part}: items {first}..{first + length - 1} ({length} of {items.Count})");
            }

            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            var sharedConv = regionOptions.SharedConv(parse, items);
            if (sharedConv is not null && options.Shard is not null)
                throw new LayerProbeException("--shard: shared-conv region extraction is not sharded yet; shard warp mode, or run shared-conv whole (it is 20x+ faster)");
            if (sharedConv is not null) Console.WriteLine(RegionModeOptions.Describe(sharedConv) + (options.FcRanks is { } fc ? $", fc layers by truncated SVD ({fc})" : ""));
            var (progress, lines) = ExtractionProgressLines.For($"extract {items.Name}{(options.Shard is { } sh ? $" shard {sh}" : "")}", count);
            try
            {
                var result = sharedConv is null
                    ? FeatureExtractor.Run(network, items, preprocessor, names, parse.GetValue(output)!, options, progress, cancel.Token)
                    : Regions.SharedConvExtractor.Run(network, (Regions.VocRegions)items, (ConventionPreprocessor)preprocessor, sharedConv, names, parse.GetValue(output)!, options, progress, cancel.Token);
                if (result.Extracted == 0) Console.WriteLine("all stores already complete; nothing extracted");
                else if (result.ResumedFrom > 0) Console.WriteLine($"resumed from item {result.ResumedFrom}; {result.Extracted} extracted now");
                foreach (var s in result.Stores)
                    Console.WriteLine($"{s.Layer,-12} {string.Join("x", s.Shape),-12} {s.Directory}");
                if (items is Regions.VocRegions regions)
                    Console.WriteLine($"{"regions",-12} {regions.Count,-12} {Regions.RegionTable.WriteBeside(regions, parse.GetValue(output)!)}");
            }
            catch (OperationCanceledException)
            {
                lines.Finish();
                throw new LayerProbeException("extract: interrupted; committed rows are kept, rerun the same command to resume");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }));
        return command;
    }
}
