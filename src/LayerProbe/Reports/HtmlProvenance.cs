using System.Globalization;
using System.Text;

namespace LayerProbe.Reports;

/// <summary>
/// The provenance section of a report page, from the run's <see cref="Manifest"/>: the tool and machine, every input
/// with its hash or fingerprint, every setting, the measurements and the output files with their hashes.
/// </summary>
static class HtmlProvenance
{
    /// <summary>Settings whose compact JSON is longer than this are folded into a <c>details</c> element.</summary>
    const int InlineSettingLength = 160;

    public static string Section(Manifest manifest, string id)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"<section aria-labelledby=\"{id}\">");
        sb.AppendLine($"<h2 id=\"{id}\">Provenance</h2>");
        sb.AppendLine($"<p>Everything below is in <code>manifest.json</code> beside this page; a rerun with the same inputs and settings reuses the stored features (their folders are named by a hash of network, data, preprocessing and layer).</p>");
        sb.AppendLine("<dl class=\"facts\">");
        Fact(sb, "task", manifest.Task);
        Fact(sb, "written", manifest.CreatedUtc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + " UTC");
        Fact(sb, "tool", "LayerProbe " + manifest.Tool);
        foreach (var (name, value) in manifest.Environment) Fact(sb, name, value);
        sb.AppendLine("</dl>");

        sb.AppendLine("<h3>Inputs</h3>");
        sb.Append(KeyValueTable("provenance-inputs", "Inputs with their SHA-256 hash or data-set fingerprint", "input", "identity",
            manifest.Inputs.Select(i => (i.Key, $"<code>{HtmlText.Escape(i.Value)}</code>"))));

        sb.AppendLine("<h3>Settings</h3>");
        sb.Append(KeyValueTable("provenance-settings", "Every setting that influenced the results", "setting", "value", manifest.Settings.Select(s => (s.Key, Setting(s.Value)))));

        if (manifest.Measurements.Count > 0)
        {
            sb.AppendLine("<h3>Measurements</h3>");
            var measurements = new ResultTable("Measured during the run (seconds; peak resident memory in MiB)", "measurement", ["value"]) { Format = "F1" };
            foreach (var (name, value) in manifest.Measurements) measurements.Add(name, [value]);
            sb.Append(TableWriters.Html(measurements, "provenance-measurements"));
        }

        sb.AppendLine("<h3>Outputs</h3>");
        sb.AppendLine($"<details><summary>{manifest.Outputs.Count} files with their SHA-256 hash</summary>");
        sb.Append(KeyValueTable("provenance-outputs", "Output files (relative to this folder)", "file", "sha256",
            manifest.Outputs.Select(o => (o.Key, $"<code>{HtmlText.Escape(o.Value)}</code>"))));
        sb.AppendLine("</details>");
        sb.AppendLine("</section>");
        return sb.ToString();
    }

    static void Fact(StringBuilder sb, string name, string value) =>
        sb.AppendLine($"<dt>{HtmlText.Escape(name)}</dt><dd>{HtmlText.Escape(value)}</dd>");

    static string Setting(object? value)
    {
        if (value is string text) return $"<code>{HtmlText.Escape(text)}</code>";
        string compact = Manifest.ToJson(value, indented: false);
        if (compact.Length <= InlineSettingLength) return $"<code>{HtmlText.Escape(compact)}</code>";
        return $"<details><summary>{compact.Length:N0} characters of JSON</summary><pre><code>{HtmlText.Escape(Manifest.ToJson(value))}</code></pre></details>";
    }

    /// <summary>A two-column table of names and (already escaped) HTML values.</summary>
    static string KeyValueTable(string id, string caption, string keyHeader, string valueHeader, IEnumerable<(string Key, string Html)> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"<figure class=\"table\"><figcaption id=\"{id}\">{HtmlText.Escape(caption)}</figcaption>");
        sb.AppendLine($"<div class=\"scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"{id}\">");
        sb.AppendLine($"<table class=\"keys\" aria-labelledby=\"{id}\">");
        sb.AppendLine($"<thead><tr><th scope=\"col\">{HtmlText.Escape(keyHeader)}</th><th scope=\"col\">{HtmlText.Escape(valueHeader)}</th></tr></thead>");
        sb.AppendLine("<tbody>");
        foreach (var (key, html) in rows) sb.AppendLine($"<tr><th scope=\"row\">{HtmlText.Escape(key)}</th><td>{html}</td></tr>");
        sb.AppendLine("</tbody></table>");
        sb.AppendLine("</div></figure>");
        return sb.ToString();
    }
}
