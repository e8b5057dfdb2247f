using System.Globalization;
using System.Text;

namespace LayerProbe.Training;

/// <summary>One row of the training log.</summary>
/// <param name="Iteration">Completed iterations.</param>
/// <param name="LearningRate">Learning rate of the last update.</param>
/// <param name="Loss">Raw loss of the last batch.</param>
/// <param name="SmoothedLoss">Mean of the last average_loss losses (Caffe's displayed loss).</param>
/// <param name="TestAccuracy">Held-out top-1 accuracy when tested at this iteration.</param>
/// <param name="Seconds">Wall time since the run (or resume) started.</param>
public sealed record TrainingLogRow(int Iteration, double LearningRate, double Loss, double SmoothedLoss, double? TestAccuracy, double Seconds);

/// <summary>
/// The training log: rows per log interval, written as CSV (<c>train_log.csv</c>) and drawn as loss and accuracy curves
/// (<c>train_loss.png/svg</c>, <c>test_accuracy.png/svg</c>). A resumed run continues the log of its output folder.
/// </summary>
public sealed class TrainingLog
{
    const string Header = "iteration,lr,loss,smoothed_loss,test_accuracy,seconds";
    readonly List<TrainingLogRow> _rows = [];

    /// <summary>The rows in iteration order.</summary>
    public IReadOnlyList<TrainingLogRow> Rows => _rows;

    /// <summary>Adds a row, or merges a test accuracy into the row of the same iteration.</summary>
    public void Add(TrainingLogRow row)
    {
        if (_rows.Count > 0 && _rows[^1].Iteration == row.Iteration)
            _rows[^1] = _rows[^1] with { TestAccuracy = row.TestAccuracy ?? _rows[^1].TestAccuracy };
        else _rows.Add(row);
    }

    /// <summary>Reads the rows up to <paramref name="iteration"/> of an existing CSV log (missing file: empty log).</summary>
    public static TrainingLog ReadUpTo(string path, int iteration)
    {
        var log = new TrainingLog();
        if (!File.Exists(path)) return log;
        foreach (var line in File.ReadLines(path).Skip(1))
        {
            var f = line.Split(',');
            if (f.Length != 6) throw LayerProbeException.For(path, $"malformed log row '{line}'");
            var row = new TrainingLogRow(int.Parse(f[0], CultureInfo.InvariantCulture), D(f[1]), D(f[2]), D(f[3]),
                f[4].Length == 0 ? null : D(f[4]), D(f[5]));
            if (row.Iteration <= iteration) log._rows.Add(row);
        }
        return log;
    }

    /// <summary>Writes the CSV atomically.</summary>
    public void WriteCsv(string path)
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var r in _rows)
            text.Append(CultureInfo.InvariantCulture, $"{r.Iteration},{r.LearningRate:R},{r.Loss:R},{r.SmoothedLoss:R},{(r.TestAccuracy is { } a ? a.ToString("R", CultureInfo.InvariantCulture) : "")},{r.Seconds:F3}\n");
        AtomicFile.WriteText(path, text.ToString());
    }

    /// <summary>Draws loss (raw and smoothed) and held-out accuracy against iterations, as PNG + SVG beside <paramref name="directory"/>.</summary>
    public void WritePlots(string directory)
    {
        if (_rows.Count == 0) return;
        double[] it = _rows.Select(r => (double)r.Iteration).ToArray();
        TrainingCurves.Write("Training loss", "softmax loss",
            [("raw", it, _rows.Select(r => r.Loss).ToArray()), ("smoothed", it, _rows.Select(r => r.SmoothedLoss).ToArray())],
            Path.Combine(directory, "train_loss"));
        var tested = _rows.Where(r => r.TestAccuracy is not null).ToList();
        if (tested.Count > 0)
            TrainingCurves.Write("Held-out top-1 accuracy", "accuracy",
                [("top-1", tested.Select(r => (double)r.Iteration).ToArray(), tested.Select(r => r.TestAccuracy!.Value).ToArray())],
                Path.Combine(directory, "test_accuracy"));
    }

    static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);
}
