using System.Security.Cryptography;
using System.Text.Json;
using LayerProbe.Cli;
using LayerProbe.Networks;

namespace LayerProbe.Tests.Reports;

/// <summary><c>layerprobe probe</c> writes report.html beside its tables, naming the model file, not an internal label.</summary>
[Collection("Console")]
public class ProbeReportTests
{
    [Fact]
    public void Probe_writes_a_page_that_names_the_model_file_and_the_data_and_records_the_file_hash()
    {
        string output = Directory.CreateTempSubdirectory("probe-report").FullName;
        var (savedOut, savedError) = (Console.Out, Console.Error);
        var stdout = new StringWriter();
        try
        {
            Console.SetOut(stdout);
            Console.SetError(new StringWriter());
            // resnet18-imagenet declares batch 1; extraction frees the batch itself (no internal "@batched" label reaches a title).
            Assert.Equal(0, CliApp.Run(["probe", "--model", "resnet18-imagenet", "--trainval", "fashion-mnist:train:4", "--test", "fashion-mnist:test:3",
                "--layers", "pool1,pool5", "--out", output]));
        }
        finally { Console.SetOut(savedOut); Console.SetError(savedError); }
        try
        {
            string html = File.ReadAllText(Path.Combine(output, "report.html"));
            string md = File.ReadAllText(Path.Combine(output, "probe.md"));
            foreach (var text in new[] { html, md, stdout.ToString(), File.ReadAllText(Path.Combine(output, "probe-map.svg")) })
            {
                Assert.Contains("resnet18-imagenet (ResNet18.onnx)", text); // the name the user wrote, and the file behind it
                Assert.Contains("fashion-mnist/t10k", text);
                Assert.DoesNotContain("@batched", text);
            }
            Assert.Contains("Table 9", html);   // pool1 and pool5 have Table 9 rows: the paper's numbers beside ours
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "manifest.json")));
            string network = manifest.RootElement.GetProperty("inputs").GetProperty("network").GetString()!;
            string file = ModelCatalog.Resolve(ModelCatalog.ResNet18ImageNet);
            Assert.Equal($"{file} sha256:{Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))}", network);
            Assert.True(manifest.RootElement.GetProperty("outputs").TryGetProperty("report.html", out _));
            if (HeadlessChromium.SkipReason is null)
                Assert.Empty(HeadlessChromium.Load(Path.Combine(output, "report.html"), Path.Combine(output, "report-screenshot.png")).Problems);
        }
        finally { Directory.Delete(output, recursive: true); }
    }
}
