using System.CommandLine;
using LayerProbe.Features;
using LayerProbe.Networks;
using LayerProbe.Regions;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe head-features --model M --store POOL5_STORE --layers fc6,fc7 --out DIR [--batch 256] [--float16] [--fc-rank fc6=1024,fc7=256] [--device cpu|cuda[:N]]</c>:
/// later layers computed from a stored layer by the network's head subgraph (R-CNN's <c>rcnn_pool5_to_fcX</c>).
/// </summary>
static class HeadFeaturesCommand
{
    public static Command Create()
    {
        var model = OptionCatalogue.Model("the network (ONNX) the source store was extracted with");
        var from = OptionCatalogue.Store("complete feature store of the earlier layer (e.g. pool5 of region items)").WithDeprecated("--from");
        var layers = OptionCatalogue.Layers();
        var output = OptionCatalogue.Out("feature store folder (one content-addressed store per layer)");
        var batch = OptionCatalogue.Batch("rows per forward pass", 256);
        var half = OptionCatalogue.Float16();
        var fcRank = OptionCatalogue.FcRank();
        var command = new Command("head-features", "Compute later layers (fc6, fc7) from a stored layer (pool5) through the network's head.")
            { model, from, layers, output, batch, half, fcRank };
        var shard = new ShardOption();
        shard.AddTo(command);
        var device = new DeviceOption();
        device.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            var options = new ExtractionOptions { BatchSize = parse.GetValue(batch), DType = parse.GetValue(half) ? FeatureDType.Float16 : FeatureDType.Float32, Device = device.Value(parse), Shard = shard.Value(parse), FcRanks = OptionCatalogue.FcRanks(parse, fcRank) };
            var network = OnnxNetwork.Load(parse.GetValue(model)!);
            string source = parse.GetValue(from)!;
            long rows = FeatureStoreFiles.IsComplete(source) ? FeatureManifest.Read(Path.Combine(source, FeatureStoreFiles.Manifest)).Rows : 0;
            foreach (var layer in ListOption.Items(parse.GetValue(layers)!))
            {
                var (progress, lines) = ExtractionProgressLines.For($"head-features {layer}", (int)rows);
                var store = HeadFeatures.Run(network, source, layer, parse.GetValue(output)!, options, progress);
                lines.Finish();
                Console.WriteLine($"{store.Layer,-12} {string.Join("x", store.Shape),-12} {store.Directory}");
            }
        }));
        return command;
    }
}
