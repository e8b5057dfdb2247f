namespace LayerProbe.Probes;

/// <summary>The one ranking rule of the project: score descending, ties kept in input order (stable sort).
/// This is what the VOC devkit's <c>sort(-confidence)</c> does in MATLAB (MATLAB's sort is stable).</summary>
public static class Ranking
{
    /// <summary>Indices 0..n−1 ordered by score descending; equal scores stay in input order. NaN ranks last.</summary>
    public static int[] Descending(ReadOnlySpan<double> scores)
    {
        var keys = new double[scores.Length];
        var order = new int[scores.Length];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = double.IsNaN(scores[i]) ? double.PositiveInfinity : -scores[i];
            order[i] = i;
        }
        // Array.Sort is unstable; sort (key, index) pairs so equal keys keep index order.
        Array.Sort(order, (x, y) => keys[x] != keys[y] ? keys[x].CompareTo(keys[y]) : x.CompareTo(y));
        return order;
    }
}
