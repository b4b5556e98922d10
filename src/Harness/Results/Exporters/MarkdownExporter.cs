using System.Text;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// results.md: per (model, dataset) a paper-style table, methods × metrics, "mean [95% CI]" with the
/// best mean of each column in bold and ↑/↓ after each metric for its direction; then the paired
/// differences with the reference method and the skipped items.
/// </summary>
public sealed class MarkdownExporter() : ReportFileExporter(FileName)
{
    public const string FileName = "results.md";

    protected override void Write(RunResults results, string path)
    {
        var md = new StringBuilder();
        md.AppendLine("# GuidedCam results").AppendLine();
        md.AppendLine($"Config hash `{Short(results.ResultSet.ConfigHash)}`, protocol `{Short(results.ResultSet.ProtocolFingerprint)}`, " +
            $"{results.Records.Count} values. Cells are mean [95% bootstrap CI]; **bold** = best in the column; ↑ higher is better, ↓ lower is better.");
        md.AppendLine();
        if (results.Metadata.TryGetValue("partial", out string? partial))
            md.AppendLine($"**Partial merge:** {Escape(partial)}. The tables cover only what was done.").AppendLine();
        foreach (var t in ResultTable.Build(results))
        {
            md.AppendLine($"## {Escape(t.Model)} on {Escape(t.Dataset)}").AppendLine();
            md.Append("| Method |").AppendJoin("", t.Columns.Select(c => $" {Escape(c)} |")).AppendLine();
            md.Append("|---|").AppendJoin("", t.Columns.Select(_ => "---:|")).AppendLine();
            for (int m = 0; m < t.Rows.Count; m++)
            {
                md.Append($"| {Escape(t.Rows[m])} |");
                for (int c = 0; c < t.Columns.Count; c++)
                {
                    string cell = t.Cells[m, c] is { } s ? ResultTable.FormatCell(s, t.Units[c], t.Best[m, c] ? "**" : "") : "–";
                    md.Append($" {cell} |");
                }
                md.AppendLine();
            }
            md.AppendLine();
            bool anyDiff = Enumerable.Range(0, t.Rows.Count).Any(m => Enumerable.Range(0, t.Columns.Count).Any(c => t.Cells[m, c] is { } s && !double.IsNaN(s.DiffVsReference)));
            if (anyDiff)
            {
                md.AppendLine($"Paired difference with {results.ReferenceMethod} on the same units (method − {results.ReferenceMethod}, 95% bootstrap CI; an interval that excludes 0 is more than noise):").AppendLine();
                md.Append("| Method |").AppendJoin("", t.Columns.Select(c => $" {Escape(c)} |")).AppendLine();
                md.Append("|---|").AppendJoin("", t.Columns.Select(_ => "---:|")).AppendLine();
                for (int m = 0; m < t.Rows.Count; m++)
                {
                    if (Enumerable.Range(0, t.Columns.Count).All(c => t.Cells[m, c] is not { } s || double.IsNaN(s.DiffVsReference))) continue;
                    md.Append($"| {Escape(t.Rows[m])} |");
                    for (int c = 0; c < t.Columns.Count; c++)
                        md.Append($" {(t.Cells[m, c] is { } s ? ResultTable.FormatDiff(s, t.Units[c]) : "")} |");
                    md.AppendLine();
                }
                md.AppendLine();
            }
        }
        if (results.Skipped.Count > 0)
        {
            md.AppendLine($"## Skipped items ({results.Skipped.Count})").AppendLine();
            md.AppendLine("| Model | Dataset | Item | Reason |").AppendLine("|---|---|---|---|");
            foreach (var s in results.Skipped) md.AppendLine($"| {Escape(s.Model)} | {Escape(s.Dataset)} | {Escape(s.ItemId)} | {Escape(s.Reason)} |");
            md.AppendLine();
        }
        File.WriteAllText(path, md.ToString());
    }

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;

    /// <summary>
    /// A name as literal Markdown text: CommonMark's backslash escapes for every punctuation character
    /// that could start emphasis, a link (the brackets; "(" alone is plain text), code, HTML, strikethrough
    /// or a table cell border; line breaks become spaces.
    /// </summary>
    public static string Escape(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
        {
            if (c is '\r' or '\n') { sb.Append(' '); continue; }
            if (c is '\\' or '`' or '*' or '_' or '{' or '}' or '[' or ']' or '<' or '>' or '|' or '~') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
