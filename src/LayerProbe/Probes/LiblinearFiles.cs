using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LayerProbe.Probes;

/// <summary>
/// liblinear's text formats, for comparing against the reference tools (<c>liblinear-train</c>): writing a problem
/// ("label index:value …", 1-based indices, zeros omitted) and reading a two-class model's weights.
/// </summary>
public static class LiblinearFiles
{
    /// <summary>Writes the rows with non-zero labels; returns the number written.</summary>
    public static int WriteProblem(string path, IFeatureRows x, ReadOnlySpan<sbyte> labels)
    {
        var sb = new StringBuilder();
        int written = 0;
        for (int i = 0; i < x.Count; i++)
        {
            if (labels[i] == 0) continue;
            sb.Append(labels[i] > 0 ? "+1" : "-1");
            var row = x.Row(i);
            for (int j = 0; j < row.Length; j++)
                if (row[j] != 0) sb.Append(' ').Append(j + 1).Append(':').Append(row[j].ToString("R", CultureInfo.InvariantCulture));
            sb.Append('\n');
            written++;
        }
        File.WriteAllText(path, sb.ToString());
        return written;
    }

    /// <summary>Writes a single-label multi-class problem (labels 1…K = class index + 1) for liblinear's one-vs-rest.</summary>
    public static void WriteMultiClassProblem(string path, IFeatureRows x, ReadOnlySpan<int> classOfItem)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        Span<char> buf = stackalloc char[32];
        for (int i = 0; i < x.Count; i++)
        {
            writer.Write(classOfItem[i] + 1);
            var row = x.Row(i);
            for (int j = 0; j < row.Length; j++)
            {
                if (row[j] == 0) continue;
                writer.Write(' ');
                writer.Write(j + 1);
                writer.Write(':');
                row[j].TryFormat(buf, out int len, "R", CultureInfo.InvariantCulture);
                writer.Write(buf[..len]);
            }
            writer.Write('\n');
        }
    }

    /// <summary>
    /// Reads a one-vs-rest model of K &gt; 2 classes written for labels 1…K: model k (0-based) scores class k.
    /// </summary>
    public static LinearModel[] ReadOneVsRestModels(string path, int dimensions, int classes)
    {
        var lines = File.ReadAllLines(path);
        double biasFeature = -1;
        int[] order = [];
        int wStart = -1;
        for (int i = 0; i < lines.Length && wStart < 0; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            switch (parts[0])
            {
                case "nr_class" when int.Parse(parts[1], CultureInfo.InvariantCulture) != classes:
                    throw LayerProbeException.For(path, $"nr_class {parts[1]}, expected {classes}");
                case "label": order = parts[1..].Select(t => int.Parse(t, CultureInfo.InvariantCulture)).ToArray(); break;
                case "bias": biasFeature = double.Parse(parts[1], CultureInfo.InvariantCulture); break;
                case "w": wStart = i + 1; break;
            }
        }
        if (wStart < 0 || order.Length != classes) throw LayerProbeException.For(path, "no 'w' section or label line");
        var w = new float[classes][];
        var b = new double[classes];
        for (int c = 0; c < classes; c++) w[c] = new float[dimensions];
        int rowsOfW = dimensions + (biasFeature > 0 ? 1 : 0);
        for (int j = 0; j < rowsOfW; j++)
        {
            var parts = lines[wStart + j].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            for (int col = 0; col < classes; col++)
            {
                double v = double.Parse(parts[col], CultureInfo.InvariantCulture);
                int c = order[col] - 1;
                if (j < dimensions) w[c][j] = (float)v; else b[c] = biasFeature * v;
            }
        }
        return Enumerable.Range(0, classes).Select(c => new LinearModel(w[c], b[c])).ToArray();
    }

    /// <summary>
    /// Reads a two-class model as a decision function for label +1: weights for <paramref name="dimensions"/> features and
    /// bias = B·w_B (liblinear orients w towards its first label; flipped when that is −1).
    /// </summary>
    public static LinearModel ReadModel(string path, int dimensions)
    {
        var lines = File.ReadAllLines(path);
        double biasFeature = -1;
        int sign = 1, wStart = -1;
        for (int i = 0; i < lines.Length && wStart < 0; i++)
        {
            var parts = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 0) continue;
            switch (parts[0])
            {
                case "nr_class" when parts[1] != "2": throw LayerProbeException.For(path, $"expected a two-class model, got nr_class {parts[1]}");
                case "label": sign = parts[1] == "-1" ? -1 : 1; break;
                case "bias": biasFeature = double.Parse(parts[1], CultureInfo.InvariantCulture); break;
                case "w": wStart = i + 1; break;
            }
        }
        if (wStart < 0) throw LayerProbeException.For(path, "no 'w' section");
        int nw = dimensions + (biasFeature > 0 ? 1 : 0);
        if (lines.Length - wStart < nw) throw LayerProbeException.For(path, $"{lines.Length - wStart} weights, expected {nw}");
        var w = new float[dimensions];
        for (int j = 0; j < dimensions; j++) w[j] = (float)(sign * double.Parse(lines[wStart + j].Trim(), CultureInfo.InvariantCulture));
        double b = biasFeature > 0 ? sign * biasFeature * double.Parse(lines[wStart + dimensions].Trim(), CultureInfo.InvariantCulture) : 0;
        return new LinearModel(w, b);
    }

    /// <summary>The path of <c>liblinear-train</c> when installed, else null.</summary>
    public static string? FindTrainer()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
        {
            var p = Path.Combine(dir, "liblinear-train");
            if (dir.Length > 0 && File.Exists(p)) return p;
        }
        return null;
    }

    /// <summary>Runs <c>liblinear-train</c> quietly; returns the wall time in seconds (process start to exit).</summary>
    public static double Train(string trainer, string arguments, string problem, string model) =>
        Run(trainer, $"-q {arguments} {problem} {model}");

    /// <summary>Runs a liblinear tool with the given arguments; returns the wall time in seconds.</summary>
    public static double Run(string tool, string arguments)
    {
        var psi = new ProcessStartInfo(tool, arguments)
            { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        var sw = Stopwatch.StartNew();
        using var proc = Process.Start(psi)!;
        string err = proc.StandardError.ReadToEnd();
        proc.StandardOutput.ReadToEnd();
        proc.WaitForExit();
        sw.Stop();
        if (proc.ExitCode != 0) throw new LayerProbeException($"{tool} {arguments}: exit {proc.ExitCode}: {err.Trim()}");
        return sw.Elapsed.TotalSeconds;
    }
}
