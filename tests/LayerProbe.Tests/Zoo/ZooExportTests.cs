using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace LayerProbe.Tests.Zoo;

/// <summary>
/// The zoo itself is sound: ONNX Runtime on each export reproduces torchvision's eval-mode output for the reference
/// batch, so a later mismatch in LayerProbe is LayerProbe's, not the export's.
/// </summary>
public class ZooExportTests
{
    public static TheoryData<string> Families => [.. TorchvisionZoo.Families.Keys];

    [ZooTheory]
    [MemberData(nameof(Families))]
    public void Onnx_runtime_reproduces_torchvision_on_the_export(string family)
    {
        var model = TorchvisionZoo.Export(family);
        using var session = new InferenceSession(model.OnnxPath);
        var input = new DenseTensor<float>(model.Input, model.InputShape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(model.InputName, input)]);
        var output = results.Single(r => r.Name == model.OutputName).AsTensor<float>().ToArray();
        Assert.Equal(model.TorchOutput.Length, output.Length);
        double scale = model.TorchOutput.Max(v => Math.Abs((double)v)), worst = 0;
        for (int i = 0; i < output.Length; i++) worst = Math.Max(worst, Math.Abs(output[i] - model.TorchOutput[i]));
        Assert.True(worst <= 1e-4 * Math.Max(scale, 1e-3), $"{family}: max |ORT − torch| = {worst:g3} (output scale {scale:g3})");
    }
}
