using System.Globalization;

namespace LayerProbe.Proposals;

/// <summary>A colour space a hierarchical grouping runs in (Uijlings et al. 2013; docs/method.md §7.1).</summary>
public enum ColourSpace
{
    /// <summary>HSV (OpenCV's 8-bit HSV: H in [0, 180)).</summary>
    Hsv,
    /// <summary>CIE Lab (OpenCV's 8-bit Lab).</summary>
    Lab,
    /// <summary>Normalised r, g plus intensity.</summary>
    RgI,
    /// <summary>The hue channel alone.</summary>
    Hue,
    /// <summary>Grey intensity.</summary>
    Intensity,
}

/// <summary>The similarity terms one hierarchical grouping sums (each in [0, 1]).</summary>
[Flags]
public enum SimilarityTerms
{
    /// <summary>Colour-histogram intersection.</summary>
    Colour = 1,
    /// <summary>Texture (Gaussian-derivative histogram) intersection.</summary>
    Texture = 2,
    /// <summary>Favour merging small regions first.</summary>
    Size = 4,
    /// <summary>Favour regions that fill each other's bounding box.</summary>
    Fill = 8,
}

/// <summary>
/// Selective-search settings as R-CNN used them (docs/method.md §7.1, <c>selective_search_boxes.m</c>): every colour space ×
/// every Felzenszwalb–Huttenlocher k (min_size = k, σ) × every strategy is one hierarchical grouping; boxes of all
/// groupings are pooled, ranked, those with a side under <see cref="MinSide"/> pixels dropped and duplicates removed.
/// <see cref="Description"/> is the canonical text recorded in the manifest and hashed into the store key.
/// </summary>
public sealed record SelectiveSearchSettings(string Mode, IReadOnlyList<ColourSpace> ColourSpaces, IReadOnlyList<int> Ks,
    double Sigma, IReadOnlyList<SimilarityTerms> Strategies, int MinSide = 20, ulong RankSeed = 0)
{
    /// <summary>R-CNN's fast mode: HSV and Lab, k ∈ {50, 100}, colour+texture+size+fill and texture+size+fill.</summary>
    public static SelectiveSearchSettings Fast { get; } = new("fast", [ColourSpace.Hsv, ColourSpace.Lab], [50, 100], 0.8,
        [SimilarityTerms.Colour | SimilarityTerms.Texture | SimilarityTerms.Size | SimilarityTerms.Fill,
         SimilarityTerms.Texture | SimilarityTerms.Size | SimilarityTerms.Fill]);

    /// <summary>Quality mode: adds rgI, H and intensity, k ∈ {50, 100, 150, 300}, and the fill-only and size-only strategies.</summary>
    public static SelectiveSearchSettings Quality { get; } = new("quality",
        [ColourSpace.Hsv, ColourSpace.Lab, ColourSpace.RgI, ColourSpace.Hue, ColourSpace.Intensity], [50, 100, 150, 300], 0.8,
        [.. Fast.Strategies, SimilarityTerms.Fill, SimilarityTerms.Size]);

    /// <summary>The modes by name.</summary>
    public static IReadOnlyList<string> Modes { get; } = ["fast", "quality"];

    /// <summary>The settings of mode <paramref name="mode"/> (fast, quality).</summary>
    public static SelectiveSearchSettings ForMode(string mode) => mode.ToLowerInvariant() switch
    {
        "fast" => Fast,
        "quality" => Quality,
        _ => throw LayerProbeException.ForParameter("mode", $"unknown selective-search mode '{mode}' (fast, quality)"),
    };

    /// <summary>Number of hierarchical groupings (colour spaces × k × strategies).</summary>
    public int Groupings => ColourSpaces.Count * Ks.Count * Strategies.Count;

    /// <summary>Canonical one-line description of every parameter.</summary>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"selective-search mode={Mode} colour={string.Join('+', ColourSpaces)} k={string.Join('+', Ks)} min_size=k sigma={Sigma:R} " +
        $"strategies={string.Join('/', Strategies.Select(TermsName))} min_side={MinSide} rank=area-level*U(0,1) seed={RankSeed}");

    static string TermsName(SimilarityTerms terms) =>
        string.Join('+', Enum.GetValues<SimilarityTerms>().Where(t => terms.HasFlag(t)).Select(t => t.ToString().ToLowerInvariant()));
}
