using System.Globalization;

namespace LayerProbe.Cli;

/// <summary>Class lists on the command line: <c>5-9</c>, <c>0,2,4</c> or a mix (<c>0-2,7</c>), in the order written.</summary>
static class ClassList
{
    public static IReadOnlyList<int> Parse(string text, string option)
    {
        var classes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw LayerProbeException.For(option, $"'{part}' is not a class index or range (e.g. 5-9 or 0,2,4)");
            int first = int.Parse(ends[0], CultureInfo.InvariantCulture), last = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (last < first) throw LayerProbeException.For(option, $"range '{part}' runs backwards");
            for (int c = first; c <= last; c++) classes.Add(c);
        }
        if (classes.Count == 0) throw LayerProbeException.For(option, "no classes given");
        return classes;
    }
}
