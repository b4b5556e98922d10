using System.Net;
using System.Text;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// report.html: one self-contained page — the run's identity, the result tables (same cells as
/// results.md), every figure embedded as a data: URI (so the page can be mailed or attached to an
/// issue alone), links to the CSV and Markdown files beside it, the config and the skipped items.
/// </summary>
public sealed class HtmlReportExporter(IReadOnlyList<string> artifacts) : ReportFileExporter(FileName)
{
    public const string FileName = "report.html";

    protected override void Write(RunResults results, string path)
    {
        var h = new StringBuilder();
        h.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>GuidedCam report</title>");
        h.AppendLine("<style>body{font-family:'DejaVu Sans',Arial,sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}" +
            "th,td{border:1px solid #bbb;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}" +
            "img{max-width:min(100%,960px);border:1px solid #ddd;margin:0.5em 0}pre{background:#f7f7f7;padding:1em;overflow:auto}.ci{color:#666;font-size:90%}</style></head><body>");
        h.AppendLine("<h1>GuidedCam report</h1>");
        var set = results.ResultSet;
        h.AppendLine("<p>");
        h.AppendLine($"Config hash <code>{E(set.ConfigHash)}</code><br>Protocol fingerprint <code>{E(set.ProtocolFingerprint)}</code><br>");
        h.AppendLine($"Result set created {set.CreatedUtc:u}; {results.Records.Count} values; {results.Skipped.Count} skipped items.");
        if (results.Metadata.TryGetValue("merged_from", out string? merged))
            h.AppendLine($"<br>Merged from: {E(merged).Replace("\n", "; ", StringComparison.Ordinal)}");
        if (results.Metadata.TryGetValue("partial", out string? partial))
            h.AppendLine($"<br><b>Partial merge:</b> {E(partial)}. The tables cover only what was done.");
        h.AppendLine("</p>");
        var links = artifacts.Where(a => !a.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Select(a => Path.GetRelativePath(Path.GetDirectoryName(path)!, a)).ToList();
        if (links.Count > 0)
            h.AppendLine("<p>Files: " + string.Join(" · ", links.Select(l => $"<a href=\"{E(l.Replace('\\', '/'))}\">{E(l)}</a>")) + "</p>");

        h.AppendLine("<p>Cells are mean <span class=\"ci\">[95% bootstrap CI]</span>; <b>bold</b> = best in the column; ↑ higher is better, ↓ lower is better.</p>");
        foreach (var t in ResultTable.Build(results))
        {
            h.AppendLine($"<h2>{E(t.Model)} on {E(t.Dataset)}</h2><table><tr><th>Method</th>");
            foreach (string c in t.Columns) h.Append($"<th>{E(c)}</th>");
            h.AppendLine("</tr>");
            for (int m = 0; m < t.Rows.Count; m++)
            {
                h.Append($"<tr><td>{E(t.Rows[m])}</td>");
                for (int c = 0; c < t.Columns.Count; c++)
                {
                    if (t.Cells[m, c] is not { } s) { h.Append("<td>–</td>"); continue; }
                    string mean = ResultTable.FormatValue(s.Mean, t.Units[c]);
                    if (t.Best[m, c]) mean = $"<b>{mean}</b>";
                    string ci = double.IsNaN(s.CiLow) ? "" : $" <span class=\"ci\">[{ResultTable.FormatValue(s.CiLow, t.Units[c])}, {ResultTable.FormatValue(s.CiHigh, t.Units[c])}]</span>";
                    string diff = ResultTable.FormatDiff(s, t.Units[c]);
                    string diffText = diff.Length > 0 ? $"<br><span class=\"ci\">vs {E(results.ReferenceMethod)}: {E(diff)}</span>" : "";
                    h.Append($"<td>{mean}{ci}{diffText}</td>");
                }
                h.AppendLine("</tr>");
            }
            h.AppendLine("</table>");
            foreach (string png in artifacts.Where(a => a.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && BelongsTo(a, t.Model, t.Dataset)))
                h.AppendLine($"<figure><img alt=\"{E(Path.GetFileName(png))}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\"><figcaption>{E(Path.GetFileName(png))}</figcaption></figure>");
        }
        if (results.Skipped.Count > 0)
        {
            h.AppendLine($"<h2>Skipped items ({results.Skipped.Count})</h2><table><tr><th>Model</th><th>Dataset</th><th>Item</th><th>Reason</th></tr>");
            foreach (var s in results.Skipped)
                h.AppendLine($"<tr><td>{E(s.Model)}</td><td>{E(s.Dataset)}</td><td>{E(s.ItemId)}</td><td style=\"text-align:left\">{E(s.Reason)}</td></tr>");
            h.AppendLine("</table>");
        }
        h.AppendLine($"<h2>Config</h2><pre>{E(set.ConfigYaml)}</pre>");
        h.AppendLine("</body></html>");
        File.WriteAllText(path, h.ToString());
    }

    /// <summary>Figure files are named kind_model_dataset_…; match on the safe model and dataset parts.</summary>
    private static bool BelongsTo(string png, string model, string dataset)
    {
        string name = Path.GetFileNameWithoutExtension(png);
        string key = "_" + RunLayout.SafeName(model) + "_" + RunLayout.SafeName(dataset);
        int i = name.IndexOf('_');
        return i >= 0 && (name[i..] == key || name[i..].StartsWith(key + "_", StringComparison.Ordinal));
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
}
