using Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace LayerProbe.Networks.Torch;

/// <summary>ONNX LRN and BatchNormalization on TorchSharp tensors.</summary>
static class TorchNormalizationOps
{
    /// <summary>
    /// ONNX LRN = Caffe ACROSS_CHANNELS LRN: y = x / (bias + alpha/size · Σ x²)^beta with the channel window
    /// [c − floor((size−1)/2), c + ceil((size−1)/2)] clipped to the valid channels (zero padding of x²).
    /// </summary>
    public static Tensor Lrn(NodeProto node, Tensor x)
    {
        var a = new NodeAttributes(node);
        long size = a.Int("size", 0);
        if (size < 1) throw new LayerProbeException($"node '{node.Name}' (LRN): attribute size must be ≥ 1");
        double alpha = a.Float("alpha", 1e-4f), beta = a.Float("beta", 0.75f), bias = a.Float("bias", 1f);
        using var scope = NewDisposeScope();
        long before = (size - 1) / 2, after = size - 1 - before, channels = x.shape[1];
        var squares = x.square();
        // Pad the channel axis (dim 1) of x²: pad list runs from the last dim backwards.
        var padList = new long[2 * (x.dim() - 1)];
        padList[^2] = before;
        padList[^1] = after;
        var padded = nn.functional.pad(squares, padList);
        var sum = padded.narrow(1, 0, channels);
        for (long j = 1; j < size; j++) sum = sum.add(padded.narrow(1, j, channels));
        var denominator = sum.mul(alpha / size).add(bias).pow(beta);
        return x.div(denominator).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// ONNX BatchNormalization. Evaluation uses the running statistics; training normalises with batch statistics
    /// and updates the running ones in place (ONNX momentum m: running = m·running + (1 − m)·batch, unbiased
    /// variance as in Caffe/PyTorch). Opset &lt; 9 <c>spatial = 0</c> keeps statistics per (C, H, W) element.
    /// </summary>
    public static Tensor BatchNormalization(NodeProto node, Tensor x, Tensor scale, Tensor bias, Tensor mean, Tensor variance, bool training)
    {
        var a = new NodeAttributes(node);
        double eps = a.Float("epsilon", 1e-5f), momentum = a.Float("momentum", 0.9f);
        bool spatial = a.Int("spatial", 1) != 0;
        if (spatial)
            return nn.functional.batch_norm(x, mean.flatten(), variance.flatten(), scale.flatten(), bias.flatten(),
                training, 1.0 - momentum, eps);

        using var scope = NewDisposeScope();
        var shape = x.shape.Skip(1).ToArray();
        Tensor m = mean.reshape(shape), v = variance.reshape(shape);
        if (training)
        {
            var batchMean = x.mean([0]);
            var batchVar = x.var(0, unbiased: false);
            using (no_grad())
            {
                long n = x.shape[0];
                m.mul_(momentum).add_(batchMean.detach(), alpha: 1 - momentum);
                v.mul_(momentum).add_(batchVar.detach().mul(n / (double)Math.Max(1, n - 1)), alpha: 1 - momentum);
            }
            m = batchMean;
            v = batchVar;
        }
        var y = x.sub(m.unsqueeze(0)).div(v.unsqueeze(0).add(eps).sqrt()).mul(scale.reshape(shape).unsqueeze(0))
            .add(bias.reshape(shape).unsqueeze(0));
        return y.MoveToOuterDisposeScope();
    }
}
