using System.CommandLine;
using LayerProbe.Proposals;

namespace LayerProbe.Cli;

/// <summary>
/// <c>layerprobe proposals --data SPEC --out DIR [--mode fast|quality] [--threads N] [--import FILE.mat|FILE.csv]
/// [--export-csv FILE]</c>: selective-search region proposals (or imported ones) into a content-addressed, resumable
/// proposals store.
/// </summary>
static class ProposalsCommand
{
    public static Command Create()
    {
        var data = OptionCatalogue.Data("images to propose regions in, voc2007:DEVKIT_DIR:SPLIT or images:DIR (a data specification; its images are used)");
        var output = OptionCatalogue.Out("proposal store folder (one content-addressed store per images + method + parameters)");
        var mode = OptionCatalogue.Choice("--mode", "selective search as R-CNN ran it: fast (HSV+Lab, k 50/100, 2 strategies) or quality", SelectiveSearchSettings.Modes, "fast");
        var threads = new Option<int>("--threads") { Description = "images processed at once", DefaultValueFactory = _ => Environment.ProcessorCount };
        var import = new Option<string?>("--import") { Description = "store these proposals instead of computing them: R-CNN's selective_search_data .mat, or CSV image_id,x1,y1,x2,y2" };
        var csv = new Option<string?>("--export-csv") { Description = "also write the store's boxes as CSV image_id,x1,y1,x2,y2" };
        var command = new Command("proposals", "Region proposals per image (selective search, R-CNN fast mode) into a proposals store; resumes interrupted runs.")
            { data, output, mode, threads, import, csv };
        var shard = new ShardOption();
        shard.AddTo(command);
        command.SetAction(parse => Cli.Guard(() =>
        {
            var images = ImageFileSet.FromSpec(parse.GetValue(data)!);
            string outDir = parse.GetValue(output)!;
            ProposalRunResult result;
            if (parse.GetValue(import) is { } file)
            {
                if (shard.Value(parse) is { } part) throw LayerProbeException.For($"--shard {part}", "applies to computing proposals, not to --import");
                Console.WriteLine($"{images.Name} ({images.Count} images)  import {file}");
                result = ProposalImport.Import(images, file, outDir);
            }
            else
            {
                var settings = SelectiveSearchSettings.ForMode(parse.GetValue(mode)!);
                Console.WriteLine($"{images.Name} ({images.Count} images)  {settings.Description}  threads {parse.GetValue(threads)}");
                using var cancel = new CancellationTokenSource();
                ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
                Console.CancelKeyPress += onCancel;
                var lines = new Progress($"proposals {images.Name}", images.Count);
                try { result = ProposalRun.Compute(images, settings, outDir, parse.GetValue(threads), new InlineProgress<long>(lines.Report), cancel.Token, shard.Value(parse)); }
                catch (OperationCanceledException)
                {
                    lines.Finish();
                    throw new LayerProbeException("proposals: interrupted; finished images are kept, rerun the same command to resume");
                }
                finally { Console.CancelKeyPress -= onCancel; }
            }
            using var store = ProposalStore.Open(result.Directory);
            if (result.Computed == 0) Console.WriteLine("store already complete; nothing computed");
            else if (result.Resumed > 0) Console.WriteLine($"resumed: {result.Resumed} images were done, {result.Computed} computed now");
            Console.WriteLine($"{store.Images.Count} images, {store.Rows} boxes ({(double)store.Rows / Math.Max(1, store.Images.Count):F0} per image)  {result.Directory}");
            if (parse.GetValue(csv) is { } csvPath)
            {
                ProposalCsvExport.Write(store, csvPath);
                Console.WriteLine($"wrote {csvPath}");
            }
        }));
        return command;
    }
}
