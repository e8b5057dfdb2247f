using LayerProbe.Reports;

namespace LayerProbe.Tests.Reports;

/// <summary>Runs only where Debian's chromium is installed (scripts/setup.sh --tests installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute() { if (HeadlessChromium.SkipReason is { } why) Skip = why; }
}

/// <summary>
/// The report page in a real browser: headless Chromium loads it with no failed load, no script or console error and
/// no request but the page itself, and the first screen is saved beside it. Negative controls show that the check
/// catches a missing image, a missing style sheet and a script error.
/// </summary>
public class ReportInBrowserTests
{
    [ChromiumFact]
    public void The_probe_report_loads_with_nothing_missing_and_its_first_screen_is_saved_beside_it()
    {
        string dir = Directory.CreateTempSubdirectory("report-browser").FullName;
        try
        {
            string page = ReportSamples.WriteProbeReport(dir);
            string screenshot = Path.Combine(dir, "report-screenshot.png");
            var check = HeadlessChromium.Load(page, screenshot);
            Assert.Empty(check.Problems);
            Assert.Equal([new Uri(page).AbsoluteUri], check.Requests);
            var png = File.ReadAllBytes(screenshot);
            Assert.Equal(0x89, png[0]);
            Assert.Equal((1280, 900), (BigEndian(png, 16), BigEndian(png, 20)));   // IHDR width, height
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [ChromiumTheory]
    [InlineData("<img src=\"missing.png\" alt=\"a plot\">", "missing.png")]
    [InlineData("<link rel=\"stylesheet\" href=\"missing.css\">", "missing.css")]
    [InlineData("<script>notDefinedAnywhere();</script>", "notDefinedAnywhere")]
    [InlineData("<script>console.error('broken table')</script>", "broken table")]
    public void The_check_fails_on_a_page_with_a_missing_resource_or_a_script_error(string element, string expected)
    {
        string dir = Directory.CreateTempSubdirectory("report-browser-bad").FullName;
        try
        {
            string page = Path.Combine(dir, "bad.html");
            File.WriteAllText(page, $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>bad</title></head><body><p>text</p>{element}</body></html>");
            var check = HeadlessChromium.Load(page, Path.Combine(dir, "bad.png"));
            Assert.Contains(check.Problems, p => p.Contains(expected));
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    static int BigEndian(byte[] b, int at) => (b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3];
}

/// <summary>A theory that runs only where chromium is installed.</summary>
public sealed class ChromiumTheoryAttribute : TheoryAttribute
{
    public ChromiumTheoryAttribute() { if (HeadlessChromium.SkipReason is { } why) Skip = why; }
}
