using LayerProbe.Networks;
using LayerProbe.Training;
using Onnx;

namespace LayerProbe.Regions;

/// <summary>
/// Truncated-SVD compression of the fully connected layers of a head model (Fast R-CNN §3.1): each chosen Gemm or
/// MatMul (<see cref="FcRanks.Resolve"/>) is replaced by two nodes of the same kind carrying its
/// <see cref="TruncatedSvd"/> factors — a Gemm keeps its transA and alpha on the first node and its bias C and beta
/// on the second; a MatMul's bias Add stays after the second — so the layer's output keeps its name and everything
/// after it runs unchanged. The replaced weights leave the model. Stores computed through a compressed layer carry
/// <see cref="Tag"/> in their key, so they never pass for exact ones.
/// </summary>
public static class FcCompression
{
    /// <summary>The ranks of <paramref name="ranks"/> whose layer is in <paramref name="head"/>, in graph order (fc node output → rank).</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> Applied(IReadOnlyDictionary<string, int> ranks, ModelProto head) =>
        [.. head.Graph.Node.Where(n => n.OpType is "Gemm" or "MatMul" && ranks.ContainsKey(n.Output[0])).Select(n => new KeyValuePair<string, int>(n.Output[0], ranks[n.Output[0]]))];

    /// <summary>The ranks applied on the way from <paramref name="from"/> to <paramref name="target"/> (none when they are the same value).</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> Applied(IReadOnlyDictionary<string, int> ranks, OnnxNetwork network, string from, string target) =>
        ranks.Count == 0 || from == target ? [] : Applied(ranks, HeadSubgraph.Cut(network, from, [target], []));

    /// <summary>The store-key suffix of <paramref name="applied"/>: empty for an exact head, else <c> fc-svd(fc6:1024,fc7:256)</c>.</summary>
    public static string Tag(IReadOnlyList<KeyValuePair<string, int>> applied) =>
        applied.Count == 0 ? "" : $" fc-svd({string.Join(",", applied.Select(p => $"{p.Key}:{p.Value}"))})";

    /// <summary>The manifest record of a layer computed through <paramref name="applied"/> from a store that was computed through <paramref name="earlier"/>; null when all exact.</summary>
    public static IReadOnlyDictionary<string, int>? Record(IReadOnlyDictionary<string, int>? earlier, IReadOnlyList<KeyValuePair<string, int>> applied) =>
        earlier is null && applied.Count == 0 ? null : (earlier ?? new Dictionary<string, int>()).Concat(applied).ToDictionary(StringComparer.Ordinal);

    /// <summary>
    /// Whole-network extraction runs every layer with its original weights: refuses <paramref name="layer"/> when it is
    /// computed through a layer <paramref name="ranks"/> compresses (so no exact-keyed store holds what the user meant
    /// to be compressed, nor the other way round); checks the ranks themselves too.
    /// </summary>
    public static void RequireExact(OnnxNetwork network, string layer, string value, FcRanks? ranks)
    {
        var resolved = FcRanks.Resolve(network, ranks);
        if (resolved.Count == 0 || value == network.InputName) return;
        var applied = Applied(resolved, network, network.InputName, value);
        if (applied.Count > 0)
            throw LayerProbeException.For("--fc-rank", $"layer '{layer}' is computed through '{applied[0].Key}', and whole-network extraction runs fully connected layers exact; " +
                "extract the layer they start from (pool5) and compute it with head-features --fc-rank, or use --regions shared-conv");
    }

    /// <summary>
    /// <paramref name="head"/> (a model cut from <paramref name="network"/>) with every layer of <paramref name="ranks"/>
    /// in it factored (the factors kept in <paramref name="factorCache"/> when given); the head itself when none is.
    /// </summary>
    public static ModelProto Apply(OnnxNetwork network, ModelProto head, IReadOnlyDictionary<string, int> ranks, string? factorCache = null)
    {
        if (Applied(ranks, head).Count == 0) return head;
        var layers = ClassifierLayer.FullyConnectedLayers(network.Model).ToDictionary(l => l.Node.Output[0], StringComparer.Ordinal);
        int opset = (int)(head.OpsetImport.FirstOrDefault(o => o.Domain is "" or "ai.onnx")?.Version ?? 13);
        var graph = new GraphProto { Name = head.Graph.Name, DocString = head.Graph.DocString };
        graph.Input.AddRange(head.Graph.Input);
        graph.Output.AddRange(head.Graph.Output);
        graph.Initializer.AddRange(head.Graph.Initializer);
        foreach (var node in head.Graph.Node)
        {
            if (node.OpType is not ("Gemm" or "MatMul") || !ranks.TryGetValue(node.Output[0], out int rank)) { graph.Node.Add(node); continue; }
            var fc = layers[node.Output[0]];
            var svd = FcFactorCache.Get(factorCache, Weight(fc), fc.Classes, fc.Inputs, rank);
            graph.Node.AddRange(node.OpType == "Gemm" ? Gemm(node, svd, graph, opset) : MatMul(node, svd, graph));
        }
        Prune(graph);
        var model = new ModelProto { IrVersion = head.IrVersion, Graph = graph, ProducerName = head.ProducerName, ProducerVersion = head.ProducerVersion };
        model.OpsetImport.AddRange(head.OpsetImport);
        return model;
    }

    /// <summary>The layer's weight as W, row-major outputs × inputs (a Gemm with transB = 0 and a MatMul store it inputs × outputs).</summary>
    internal static float[] Weight(ClassifierLayer fc)
    {
        var stored = OnnxTensors.ReadFloats(fc.Weight);
        if (fc.Transposed) return stored;
        var w = new float[stored.Length];
        for (int i = 0; i < fc.Inputs; i++)
            for (int o = 0; o < fc.Classes; o++) w[(long)o * fc.Inputs + i] = stored[(long)i * fc.Classes + o];
        return w;
    }

    /// <summary>Y = alpha·op(A)·Wᵀ + beta·C as H = alpha·op(A)·(Σ_t V_tᵀ)ᵀ, then Y = H·U_tᵀ + beta·C (both transB = 1).</summary>
    static NodeProto[] Gemm(NodeProto node, TruncatedSvd svd, GraphProto graph, int opset)
    {
        string output = node.Output[0], hidden = Name(output, svd.Rank, "hidden");
        float alpha = node.Attribute.FirstOrDefault(a => a.Name == "alpha")?.F ?? 1f;
        long transA = node.Attribute.FirstOrDefault(a => a.Name == "transA")?.I ?? 0;
        var first = new NodeProto { OpType = "Gemm", Name = Name(node.Name, svd.Rank, "first"), Input = { node.Input[0], Add(graph, Name(output, svd.Rank, "sigma_vt"), [svd.Rank, svd.Inputs], svd.First) }, Output = { hidden } };
        if (opset < 11) first.Input.Add(Add(graph, Name(output, svd.Rank, "zero"), [svd.Rank], new float[svd.Rank])); // C was required before opset 11
        first.Attribute.Add(OnnxGraphBuilder.Float("alpha", alpha));
        first.Attribute.Add(OnnxGraphBuilder.Int("transA", transA));
        first.Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        var second = new NodeProto { OpType = "Gemm", Name = Name(node.Name, svd.Rank, "second"), Input = { hidden, Add(graph, Name(output, svd.Rank, "u"), [svd.Outputs, svd.Rank], svd.Second) }, Output = { output } };
        if (node.Input.Count > 2 && node.Input[2].Length > 0) second.Input.Add(node.Input[2]);
        foreach (var beta in node.Attribute.Where(a => a.Name == "beta")) second.Attribute.Add(beta);
        second.Attribute.Add(OnnxGraphBuilder.Int("transB", 1));
        return [first, second];
    }

    /// <summary>Y = X·A with A = Wᵀ (inputs × outputs) as H = X·(V_t Σ_t), then Y = H·U_tᵀ.</summary>
    static NodeProto[] MatMul(NodeProto node, TruncatedSvd svd, GraphProto graph)
    {
        string output = node.Output[0], hidden = Name(output, svd.Rank, "hidden");
        var vs = Transpose(svd.First, svd.Rank, svd.Inputs);
        var ut = Transpose(svd.Second, svd.Outputs, svd.Rank);
        return
        [
            new NodeProto { OpType = "MatMul", Name = Name(node.Name, svd.Rank, "first"), Input = { node.Input[0], Add(graph, Name(output, svd.Rank, "v_sigma"), [svd.Inputs, svd.Rank], vs) }, Output = { hidden } },
            new NodeProto { OpType = "MatMul", Name = Name(node.Name, svd.Rank, "second"), Input = { hidden, Add(graph, Name(output, svd.Rank, "ut"), [svd.Rank, svd.Outputs], ut) }, Output = { output } },
        ];
    }

    static float[] Transpose(float[] m, int rows, int cols)
    {
        var t = new float[m.Length];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) t[(long)c * rows + r] = m[(long)r * cols + c];
        return t;
    }

    static string Name(string of, int rank, string part) => $"{of}_svd{rank}_{part}";

    static string Add(GraphProto graph, string name, long[] dims, float[] values)
    {
        graph.Initializer.Add(OnnxTensors.FromFloats(name, dims, values));
        return name;
    }

    /// <summary>Drops nodes whose outputs nothing reads (an Identity tying the old weight) and initializers no node reads.</summary>
    static void Prune(GraphProto graph)
    {
        while (true)
        {
            var read = graph.Node.SelectMany(n => n.Input).Concat(graph.Output.Select(o => o.Name)).ToHashSet(StringComparer.Ordinal);
            var dead = graph.Node.Where(n => n.Output.All(o => !read.Contains(o))).ToList();
            if (dead.Count == 0)
            {
                var keep = graph.Initializer.Where(i => read.Contains(i.Name)).ToList();
                graph.Initializer.Clear();
                graph.Initializer.AddRange(keep);
                return;
            }
            foreach (var n in dead) graph.Node.Remove(n);
        }
    }
}
