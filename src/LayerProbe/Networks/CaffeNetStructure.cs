using System.Text.RegularExpressions;
using Onnx;

namespace LayerProbe.Networks;

/// <summary>
/// Recognises a CaffeNet-like graph (docs/method.md §1.1) by its structure, not its names: from the image input one chain of
/// five convolutions and three fully connected layers, each followed by a ReLU, max-pools after conv1, conv2 and conv5
/// (LRN beside the first two optional, before or after the pool), an optional softmax at the end; Flatten, Reshape,
/// Dropout and Identity may sit anywhere on the chain, an average pool between pool5 and fc6. A fully connected layer is
/// a Gemm, or a MatMul followed by an Add. Such a graph gets the paper's names (conv1, relu1, pool1, norm1, …, fc8, prob),
/// whatever its values are called; AlexNet and CaffeNet exports match, VGG (more convolutions) and anything branching
/// do not.
/// </summary>
public static partial class CaffeNetStructure
{
    static readonly HashSet<string> Transparent = ["Flatten", "Reshape", "Dropout", "Identity"];

    /// <summary>The paper's names for the chain's values, or null when the graph is not CaffeNet-like.</summary>
    public static List<(string Alias, string Value)>? Match(ModelProto model, string imageInput, IReadOnlyCollection<string> activations)
    {
        var active = activations as IReadOnlySet<string> ?? activations.ToHashSet();
        var consumers = model.Graph.Node.SelectMany(n => n.Input.Distinct().Select(i => (i, n))).ToLookup(p => p.i, p => p.n);
        var chain = new List<(char Kind, string Value)>();
        string value = imageInput;
        var seen = new HashSet<string> { imageInput }; // a malformed graph may loop
        while (true)
        {
            // consumers computing shapes (Shape, Size) do not branch the chain
            var next = consumers[value].Where(n => n.Output.Any(active.Contains)).ToList();
            if (next.Count != 1) { if (next.Count > 1) return null; break; }
            var node = next[0];
            value = node.Output.First(active.Contains);
            if (!seen.Add(value)) return null;
            if (Transparent.Contains(node.OpType)) continue;
            char kind = node.OpType switch
            {
                "Conv" => 'C', "Relu" => 'R', "MaxPool" => 'P', "LRN" => 'N', "Gemm" => 'F', "Softmax" => 'S',
                "AveragePool" or "GlobalAveragePool" => 'A',
                "MatMul" => 'M', "Add" when chain.Count > 0 && chain[^1].Kind == 'M' => '+',
                _ => '?',
            };
            if (kind == '?') return null;
            if (kind == '+') { chain[^1] = ('F', value); continue; }
            chain.Add((kind, value));
        }
        var kinds = new string(chain.Select(c => c.Kind).ToArray());
        if (!Shape().IsMatch(kinds)) return null;

        var names = new List<(string, string)>();
        int conv = 0, fc = 5;
        foreach (var (kind, v) in chain)
        {
            string? name = kind switch
            {
                'C' => $"conv{++conv}",
                'R' => conv <= 5 && fc == 5 ? $"relu{conv}" : $"relu{fc}",
                'P' => $"pool{conv}",
                'N' => $"norm{conv}",
                'F' => $"fc{++fc}",
                'S' => "prob",
                _ => null,
            };
            if (name is not null) names.Add((name, v));
        }
        return names;
    }

    /// <summary>conv1/conv2 with ReLU and a pool (LRN before or after it, optional), conv3–conv5, pool5, fc6–fc8, softmax.</summary>
    [GeneratedRegex("^CR(PN|NP|P)CR(PN|NP|P)CRCRCRPA?FRFRFS?$")]
    private static partial Regex Shape();
}
