using System.Globalization;

namespace LayerProbe.Data;

/// <summary>Class lists in data specifications and options: <c>5-9</c>, <c>0,2,4</c> or a mix (<c>0-2,7</c>), in the order written.</summary>
public static class ClassList
{
    /// <summary>The class indices of <paramref name="text"/>; a malformed list is an error naming <paramref name="parameter"/>.</summary>
    public static IReadOnlyList<int> Parse(string text, string parameter)
    {
        var classes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var ends = part.Split('-');
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
                throw LayerProbeException.ForParameter(parameter, $"'{part}' is not a class index or range (e.g. 5-9 or 0,2,4)");
            int first = int.Parse(ends[0], CultureInfo.InvariantCulture), last = int.Parse(ends[^1], CultureInfo.InvariantCulture);
            if (last < first) throw LayerProbeException.ForParameter(parameter, $"range '{part}' runs backwards");
            for (int c = first; c <= last; c++) classes.Add(c);
        }
        if (classes.Count == 0) throw LayerProbeException.ForParameter(parameter, "no classes given");
        return classes;
    }

    /// <summary>Whether <paramref name="text"/> looks like a class list (digits, commas and dashes only).</summary>
    public static bool LooksLikeOne(string text) => text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is ',' or '-');
}
