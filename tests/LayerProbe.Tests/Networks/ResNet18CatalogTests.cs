using LayerProbe.Networks;

namespace LayerProbe.Tests.Networks;

/// <summary>The embedded ImageNet ResNet-18 is found by name and its stages are named from the graph's structure.</summary>
public class ResNet18CatalogTests
{
    static readonly OnnxNetwork ResNet = OnnxNetwork.Load(ModelCatalog.ResNet18ImageNet);

    [Fact]
    public void Well_known_name_resolves_to_the_shipped_onnx_file()
    {
        Assert.True(File.Exists(ResNet.Path));
        Assert.Equal("Input247", ResNet.InputName);
        Assert.Equal([1, 3, 224, 224], ResNet.InputShape);
        Assert.Equal(64, ResNet.Sha256.Length);
    }

    [Fact]
    public void Stage_aliases_have_the_shapes_of_a_resnet()
    {
        var rows = LayerTable.Read(ResNet).Where(r => r.Alias is not null).ToDictionary(r => r.Alias!, r => r.Shape);
        Assert.Equal([64, 112, 112], rows["stem"]);
        Assert.Equal([64, 56, 56], rows["pool1"]);
        Assert.Equal([64, 56, 56], rows["res2a"]);
        Assert.Equal([128, 28, 28], rows["res3a"]);
        Assert.Equal([256, 14, 14], rows["res4a"]);
        Assert.Equal([512, 7, 7], rows["res5a"]);
        Assert.Equal([512, 1, 1], rows["pool5"]);
        Assert.Equal("Pooling395_Output_0", ResNet.ResolveLayer("pool5"));
    }

    [Fact]
    public void Unknown_layer_is_one_clear_error_naming_the_model_and_the_layer()
    {
        var e = Assert.Throws<LayerProbeException>(() => ResNet.ResolveLayer("fc9"));
        Assert.Contains("ResNet18.onnx", e.Message);
        Assert.Contains("'fc9'", e.Message);
        Assert.Contains("pool5", e.Message);
    }

    [Fact]
    public void Missing_or_garbage_model_files_are_clear_errors()
    {
        var missing = Assert.Throws<LayerProbeException>(() => OnnxNetwork.Load("/nonexistent/model.onnx"));
        Assert.StartsWith("/nonexistent/model.onnx:", missing.Message);
        string garbage = Path.Combine(Path.GetTempPath(), $"garbage-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(garbage, [0xff, 0xff, 0xff, 0x01, 0x02]);
        try
        {
            var e = Assert.Throws<LayerProbeException>(() => OnnxNetwork.Load(garbage));
            Assert.Contains("not an ONNX model", e.Message);
        }
        finally { File.Delete(garbage); }
    }
}
