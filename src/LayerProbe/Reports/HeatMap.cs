using ScottPlot;

namespace LayerProbe.Reports;

/// <summary>Heat map of a labelled matrix (e.g. CKA between layers), each cell annotated with its value; PNG and SVG,
/// written atomically.</summary>
public static class HeatMap
{
    /// <summary>Row i of <paramref name="values"/> is drawn top to bottom, column j left to right.</summary>
    public static void Write(string title, IReadOnlyList<string> rowLabels, IReadOnlyList<string> columnLabels, double[,] values,
        string pathStem, (double Min, double Max)? range = null, string format = "F2")
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        if (rows != rowLabels.Count || cols != columnLabels.Count) throw new ArgumentException("labels do not match the matrix");
        var plot = new Plot();
        plot.Font.Set(Plots.SansFont);
        var map = plot.Add.Heatmap(values);
        map.Colormap = new ScottPlot.Colormaps.Viridis();
        map.Position = new CoordinateRect(-0.5, cols - 0.5, -0.5, rows - 0.5);
        if (range is { } r) map.ManualRange = new ScottPlot.Range(r.Min, r.Max);
        plot.Add.ColorBar(map);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
            {
                var text = plot.Add.Text(values[i, j].ToString(format, System.Globalization.CultureInfo.InvariantCulture), j, rows - 1 - i);
                text.LabelAlignment = Alignment.MiddleCenter;
                text.LabelFontColor = values[i, j] > ((range?.Min ?? 0) + (range?.Max ?? 1)) / 2 ? Colors.Black : Colors.White;
            }
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, cols).Select(j => (double)j).ToArray(), columnLabels.ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, rows).Select(i => (double)(rows - 1 - i)).ToArray(), rowLabels.ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.SetLimits(-0.5, cols - 0.5, -0.5, rows - 0.5);
        int size = Math.Max(480, 60 * Math.Max(rows, cols) + 200);
        plot.Title(Plots.Wrap(title, size));
        plot.Axes.Title.Label.FontSize = 17;
        Save(pathStem + ".png", temp => plot.SavePng(temp, size + 80, size));
        Save(pathStem + ".svg", temp => plot.SaveSvg(temp, size + 80, size));
    }

    static void Save(string path, Action<string> save)
    {
        string temp = path + ".tmp" + Path.GetExtension(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        save(temp);
        File.Move(temp, path, overwrite: true);
    }
}
