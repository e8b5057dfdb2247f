using Google.Protobuf;
using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Writes CaffeNet (docs/method.md §1.1: AlexNet with pooling before LRN) as an ONNX opset-13 graph whose value names are
/// the paper's vocabulary: conv1, relu1, pool1, norm1, conv2, …, pool5, fc6, relu6, fc7, relu7, fc8, prob. Pre-ReLU
/// (convK, fcK) and post-ReLU (reluK) values are separate values. Weights are drawn with the 2014 Caffe recipe
/// (Gaussian std 0.01 for conv and fc8, 0.005 for fc6/fc7; biases conv1 0, conv2 1, conv3 0, conv4 1, conv5 1,
/// fc6 1, fc7 1, fc8 0), seeded, so the same spec always gives the same bytes. The model's <c>metadata_props</c> record
/// its input convention (<see cref="Data.InputConvention.MetadataKey"/>: <c>caffe</c>, or <c>grey</c> for one channel).
/// </summary>
public static class CaffeNet
{
    /// <summary>Name of the image input: [N, C, H, W] with a symbolic batch dimension.</summary>
    public const string InputName = "data";

    /// <summary>Builds the ONNX model for <paramref name="spec"/>.</summary>
    public static ModelProto Build(CaffeNetSpec spec)
    {
        spec.Validate();
        var g = new OnnxGraphBuilder("caffenet");
        var (_, _, _, pool5) = spec.SpatialSizes();
        int[] w = spec.ConvWidths;
        var init = new GaussianInit(spec.Seed);
        g.Input(InputName, "N", spec.InputChannels, spec.InputSize, spec.InputSize);

        string x = Conv(g, init, "conv1", InputName, spec.InputChannels, w[0], spec.Conv1Kernel, spec.Conv1Stride, 0, 1, 0.01f, 0f);
        x = Relu(g, "relu1", x);
        x = MaxPool(g, "pool1", x);
        x = Lrn(g, "norm1", x);
        x = Conv(g, init, "conv2", x, w[0], w[1], 5, 1, 2, 2, 0.01f, 1f);
        x = Relu(g, "relu2", x);
        x = MaxPool(g, "pool2", x);
        x = Lrn(g, "norm2", x);
        x = Relu(g, "relu3", Conv(g, init, "conv3", x, w[1], w[2], 3, 1, 1, 1, 0.01f, 0f));
        x = Relu(g, "relu4", Conv(g, init, "conv4", x, w[2], w[3], 3, 1, 1, 2, 0.01f, 1f));
        x = Relu(g, "relu5", Conv(g, init, "conv5", x, w[3], w[4], 3, 1, 1, 2, 0.01f, 1f));
        x = MaxPool(g, "pool5", x);
        // Caffe's InnerProduct flattens the blob in (channel, row, column) order, which is ONNX Flatten(axis=1) of NCHW.
        x = g.Node("Flatten", "flatten5", [x], "pool5_flat", OnnxGraphBuilder.Int("axis", 1));
        x = Fc(g, init, "fc6", x, w[4] * pool5 * pool5, spec.FcWidth, 0.005f, 1f);
        x = Dropout(g, "drop6", Relu(g, "relu6", x));
        x = Fc(g, init, "fc7", x, spec.FcWidth, spec.FcWidth, 0.005f, 1f);
        x = Dropout(g, "drop7", Relu(g, "relu7", x));
        x = Fc(g, init, "fc8", x, spec.FcWidth, spec.Classes, 0.01f, 0f);
        g.Node("Softmax", "prob", [x], "prob", OnnxGraphBuilder.Int("axis", 1));
        g.Output("prob", "N", spec.Classes);
        var model = g.ToModel(13, $"CaffeNet-topology network built by LayerProbe: {Describe(spec)}");
        // the input convention travels with the network (and its snapshots): Caffe's for colour, train's grey otherwise
        model.MetadataProps.Add(new StringStringEntryProto
        {
            Key = Data.InputConvention.MetadataKey,
            Value = spec.InputChannels == 1 ? Data.InputConvention.Grey.Name : Data.InputConvention.Caffe.Name,
        });
        return model;
    }

    /// <summary>Builds the model and writes it to <paramref name="path"/> atomically (temp file, then rename).</summary>
    public static void Write(CaffeNetSpec spec, string path)
    {
        var bytes = Build(spec).ToByteArray();
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        var temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            Directory.CreateDirectory(dir);
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw LayerProbeException.For(path, $"cannot write the model ({e.Message})", e);
        }
    }

    /// <summary>One-line description of a spec (recorded in the model's doc string).</summary>
    public static string Describe(CaffeNetSpec s) =>
        $"input {s.InputChannels}x{s.InputSize}x{s.InputSize}, conv {string.Join("/", s.ConvWidths)}, conv1 {s.Conv1Kernel}x{s.Conv1Kernel} s{s.Conv1Stride}, fc {s.FcWidth}, classes {s.Classes}, seed {s.Seed}";

    static string Conv(OnnxGraphBuilder g, GaussianInit init, string name, string input, int cin, int cout, int k, int stride,
        int pad, int group, float std, float bias)
    {
        long[] wdims = [cout, cin / group, k, k];
        string weight = g.Initializer($"{name}.weight", wdims, init.Sample(wdims.Aggregate(1L, (a, b) => a * b), std));
        string b = g.Initializer($"{name}.bias", [cout], Filled(cout, bias));
        return g.Node("Conv", name, [input, weight, b], name,
            OnnxGraphBuilder.Ints("kernel_shape", k, k), OnnxGraphBuilder.Ints("strides", stride, stride),
            OnnxGraphBuilder.Ints("pads", pad, pad, pad, pad), OnnxGraphBuilder.Ints("dilations", 1, 1),
            OnnxGraphBuilder.Int("group", group));
    }

    static string Fc(OnnxGraphBuilder g, GaussianInit init, string name, string input, int inputs, int outputs, float std, float bias)
    {
        // Weight stored as Caffe does, [outputs, inputs]; Gemm with transB = 1 computes x·Wᵀ + b.
        string weight = g.Initializer($"{name}.weight", [outputs, inputs], init.Sample((long)outputs * inputs, std));
        string b = g.Initializer($"{name}.bias", [outputs], Filled(outputs, bias));
        return g.Node("Gemm", name, [input, weight, b], name, OnnxGraphBuilder.Int("transB", 1));
    }

    static string Relu(OnnxGraphBuilder g, string name, string input) => g.Node("Relu", name, [input], name);

    static string MaxPool(OnnxGraphBuilder g, string name, string input) =>
        g.Node("MaxPool", name, [input], name, OnnxGraphBuilder.Ints("kernel_shape", 3, 3),
            OnnxGraphBuilder.Ints("strides", 2, 2), OnnxGraphBuilder.Int("ceil_mode", 1));

    // ONNX LRN (opset 1/13 definition, checked against onnx.ai/onnx/operators/onnx__LRN): Y = X / (bias + alpha / size
    // · square_sum)^beta, square_sum over channels [c − floor((size−1)/2), c + ceil((size−1)/2)] clipped to [0, C).
    // For odd size that is Caffe's ACROSS_CHANNELS LRN exactly — Caffe also divides alpha by local_size — so Caffe's
    // alpha = 1e-4 is written unchanged (no pre-scaling by 5).
    static string Lrn(OnnxGraphBuilder g, string name, string input) =>
        g.Node("LRN", name, [input], name, OnnxGraphBuilder.Int("size", 5), OnnxGraphBuilder.Float("alpha", 1e-4f),
            OnnxGraphBuilder.Float("beta", 0.75f), OnnxGraphBuilder.Float("bias", 1f));

    static string Dropout(OnnxGraphBuilder g, string name, string input) =>
        g.Node("Dropout", name, [input], name); // ratio input omitted: opset-13 default 0.5; identity at inference

    static float[] Filled(int n, float v) { var a = new float[n]; Array.Fill(a, v); return a; }

    /// <summary>Seeded zero-mean Gaussian samples (Box–Muller over <see cref="Random"/>).</summary>
    internal sealed class GaussianInit(int seed)
    {
        readonly Random _random = new(seed);

        public float[] Sample(long count, float std)
        {
            var values = new float[count];
            for (long i = 0; i < count; i += 2)
            {
                double u1 = 1.0 - _random.NextDouble(), u2 = _random.NextDouble();
                double r = Math.Sqrt(-2.0 * Math.Log(u1)) * std, t = 2.0 * Math.PI * u2;
                values[i] = (float)(r * Math.Cos(t));
                if (i + 1 < count) values[i + 1] = (float)(r * Math.Sin(t));
            }
            return values;
        }
    }
}
