using ScottPlot;

namespace LayerProbe.Training;

/// <summary>Curves over iterations (numeric x axis), PNG and SVG written to a temp name then renamed.</summary>
static class TrainingCurves
{
    public static void Write(string title, string yLabel, IReadOnlyList<(string Name, double[] X, double[] Y)> series, string pathStem)
    {
        var plot = new Plot();
        foreach (var (name, x, y) in series)
        {
            var line = plot.Add.Scatter(x, y);
            line.LegendText = name;
            line.MarkerSize = x.Length > 60 ? 0 : 4;
        }
        if (series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
        plot.Title(title);
        plot.XLabel("iteration");
        plot.YLabel(yLabel);
        Save(pathStem + ".png", temp => plot.SavePng(temp, 800, 420));
        Save(pathStem + ".svg", temp => plot.SaveSvg(temp, 800, 420));
    }

    static void Save(string path, Action<string> save)
    {
        string temp = path + ".tmp" + Path.GetExtension(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        save(temp);
        File.Move(temp, path, overwrite: true);
    }
}
