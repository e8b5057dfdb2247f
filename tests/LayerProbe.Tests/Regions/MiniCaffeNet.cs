using Google.Protobuf;
using LayerProbe.Networks;
using LayerProbe.Tests.Data;
using LayerProbe.Training;

namespace LayerProbe.Tests.Regions;

/// <summary>A CaffeNet-shaped network (CaffeNet-mini, 64×64 input, He-initialised so that fc6/fc7 depend on their weights) written to a file.</summary>
static class MiniCaffeNet
{
    public static string Write(TempDir tmp)
    {
        string path = tmp.Combine("caffenet-mini.onnx");
        File.WriteAllBytes(path, HeInit.Apply(CaffeNet.Build(CaffeNetSpec.Mini(64, 3, 8, 64, 10, 3)), seed: 7).ToByteArray());
        return path;
    }

    public static OnnxNetwork Load(TempDir tmp) => OnnxNetwork.Load(Write(tmp));
}
