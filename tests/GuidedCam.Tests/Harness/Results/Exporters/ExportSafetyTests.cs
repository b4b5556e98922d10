using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Results.Exporters;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Harness.Results.Exporters;

/// <summary>Names from configs and datasets in the exported files: inert in spreadsheets, literal in Markdown, escaped in HTML.</summary>
public sealed class ExportSafetyTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")")]
    [InlineData("+1+1", "'+1+1")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "'\rcmd")]
    [InlineData("gradcam", "gradcam")]
    [InlineData("step=256", "step=256")]
    [InlineData("", "")]
    public void Csv_text_cells_that_a_spreadsheet_would_evaluate_get_an_apostrophe(string cell, string expected) =>
        Assert.Equal(expected, SpreadsheetSafe.Text(cell));

    [Fact]
    public void Markdown_names_are_literal()
    {
        Assert.Equal("a\\|b \\*x\\* \\[l\\](u) \\<b\\> \\_y\\_", MarkdownExporter.Escape("a|b *x* [l](u) <b> _y_"));
        Assert.Equal("two lines", MarkdownExporter.Escape("two\nlines"));
    }

    [Fact]
    public void A_report_of_hostile_names_escapes_them_in_every_file_and_keeps_negative_numbers()
    {
        TestSetup.Torch();
        string dir = Path.Combine(Path.GetTempPath(), "guidedcam-hostile-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var cfg = ConfigLoader.Parse("""
                name: hostile
                threads: 1
                batch-size: 4
                qualitative: 0
                models: [{name: "<img src=x onerror=alert(1)>", arch: builtin}]
                datasets: [{name: "=HYPERLINK(1)", kind: synthetic, count: 4, split: test}]
                methods: [gradcam, random]
                metrics: [increase-in-confidence]
                """, "hostile.yaml");
            new Experiment { Config = cfg, RunDir = dir }.Execute();
            ReportBuilder.Build(dir);
            string items = File.ReadAllText(Path.Combine(dir, "items.csv"));
            Assert.Contains("<img src=x onerror=alert(1)>,'=HYPERLINK(1),", items);
            string summary = File.ReadAllText(Path.Combine(dir, "summary.csv"));
            Assert.Contains(",'=HYPERLINK(1),", summary);
            // The paired difference of random against gradcam is a number; a negative one stays a bare number.
            Assert.DoesNotContain(",'-", summary.Replace("'=HYPERLINK", "", StringComparison.Ordinal));
            string html = File.ReadAllText(Path.Combine(dir, "report.html"));
            Assert.DoesNotContain("<img src=x", html);
            Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html);
            Assert.Contains("\\<img src=x onerror=alert(1)\\>", File.ReadAllText(Path.Combine(dir, "results.md")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }
}
