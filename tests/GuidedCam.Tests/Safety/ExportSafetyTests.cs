using GuidedCam.Harness.Results.Exporters;

namespace GuidedCam.Tests.Safety;

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
        Assert.Equal("a\\|b \\*x\\* \\[l\\]\\(u\\) \\<b\\> \\_y\\_", MarkdownExporter.Escape("a|b *x* [l](u) <b> _y_"));
        Assert.Equal("two lines", MarkdownExporter.Escape("two\nlines"));
    }
}
