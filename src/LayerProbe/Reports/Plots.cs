using ScottPlot;

namespace LayerProbe.Reports;

/// <summary>Plots of results (PNG and SVG, written atomically): bars per layer, curves over layers or iterations. A
/// note (e.g. classes left out of the mean) is printed under the x axis.</summary>
public static class Plots
{
    /// <summary>One bar per label (e.g. mAP per layer in network order).</summary>
    public static void Bars(string title, string yLabel, IReadOnlyList<string> labels, IReadOnlyList<double> values, string pathStem,
        string? note = null)
    {
        var plot = new Plot();
        var bars = plot.Add.Bars(values.ToArray());
        bars.Color = Colors.SteelBlue;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        RotateIfCrowded(plot, labels);
        plot.Axes.Margins(bottom: 0);
        Finish(plot, title, yLabel, note, pathStem, width: Math.Max(640, 48 * labels.Count));
    }

    /// <summary>Several named series over shared x positions with tick labels (e.g. mAP vs depth per network).</summary>
    public static void Lines(string title, string yLabel, IReadOnlyList<string> xLabels,
        IReadOnlyList<(string Name, IReadOnlyList<double> Values)> series, string pathStem, string? note = null)
    {
        var plot = new Plot();
        double[] xs = Enumerable.Range(0, xLabels.Count).Select(i => (double)i).ToArray();
        foreach (var (name, values) in series)
        {
            var line = plot.Add.Scatter(xs, values.ToArray());
            line.LegendText = name;
        }
        plot.Axes.Bottom.SetTicks(xs, xLabels.ToArray());
        RotateIfCrowded(plot, xLabels);
        if (series.Count > 1) plot.ShowLegend(Alignment.LowerRight);
        Finish(plot, title, yLabel, note, pathStem, width: Math.Max(640, 48 * xLabels.Count));
    }

    /// <summary>Curves over a numeric x axis in [0, 1] with y in [0, 1] (e.g. precision against recall, one per class).</summary>
    public static void Curves(string title, string xLabel, string yLabel,
        IReadOnlyList<(string Name, IReadOnlyList<double> X, IReadOnlyList<double> Y)> series, string pathStem, string? note = null)
    {
        var plot = new Plot();
        foreach (var (name, x, y) in series)
        {
            var line = plot.Add.Scatter(x.ToArray(), y.ToArray());
            line.MarkerSize = 0;
            line.LegendText = name;
        }
        plot.Axes.SetLimits(0, 1, 0, 1.02);
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        Finish(plot, title, yLabel, string.IsNullOrEmpty(note) ? xLabel : $"{xLabel} ({note})", pathStem, width: 640);
    }

    /// <summary>Tick labels slanted at 45° (with room below the axis) when there are many of them.</summary>
    static void RotateIfCrowded(Plot plot, IReadOnlyList<string> labels)
    {
        if (labels.Count <= 8) return;
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 12 + 7 * labels.Max(l => l.Length);
    }

    static void Finish(Plot plot, string title, string yLabel, string? note, string pathStem, int width)
    {
        plot.Font.Set(SansFont);
        plot.Title(Wrap(title, width));
        plot.Axes.Title.Label.FontSize = 17;
        plot.YLabel(yLabel);
        if (!string.IsNullOrEmpty(note))
        {
            plot.XLabel(note);
            plot.Axes.Bottom.Label.FontSize = 12;
            plot.Axes.Bottom.Label.Bold = false;
        }
        const int height = 420;
        Save(pathStem + ".png", temp => plot.SavePng(temp, width, height));
        Save(pathStem + ".svg", temp => plot.SaveSvg(temp, width, height));
    }

    /// <summary>A sans-serif face installed here (ScottPlot's own pick fell back to a serif on Debian), the same for
    /// the PNG and the SVG so the browser draws the SVG text with the face its layout was measured with.</summary>
    internal static string SansFont { get; } = new[] { "DejaVu Sans", "Liberation Sans", "Noto Sans", "Arial" }
        .FirstOrDefault(f => SkiaSharp.SKFontManager.Default.GetFontFamilies().Contains(f)) ?? Fonts.Sans;

    /// <summary>A long title ("what: model on data") is broken after its first colon so that it fits the plot's width.</summary>
    internal static string Wrap(string title, int width)
    {
        int colon = title.IndexOf(": ", StringComparison.Ordinal);
        return title.Length * 10 > width && colon > 0 ? title[..colon] + "\n" + title[(colon + 2)..] : title;
    }

    static void Save(string path, Action<string> save)
    {
        string temp = path + ".tmp" + Path.GetExtension(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        save(temp);
        File.Move(temp, path, overwrite: true);
    }
}
