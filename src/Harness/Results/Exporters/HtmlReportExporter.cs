using System.Globalization;
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
        h.AppendLine("<style>body{font-family:'DejaVu Sans',Arial,sans-serif;margin:1.2em 2em;max-width:1400px}table{border-collapse:collapse;margin:0.6em 0}" +
            "th,td{border:1px solid #bbb;padding:4px 8px;text-align:right}th:first-child,td:first-child{text-align:left}th{background:#f0f0f0}" +
            "table.sortable th{cursor:pointer}table.sortable th:after{content:' \\2195';color:#999;font-size:80%}" +
            "img{max-width:100%;border:1px solid #ddd;margin:0.3em 0}pre{background:#f7f7f7;padding:1em;overflow:auto}.ci{color:#666;font-size:90%}" +
            ".answer{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}.answer figure{margin:0;flex:1 1 560px}.flag{color:#b00;font-weight:bold}" +
            "h1{margin:0.2em 0}.small{color:#555;font-size:85%}</style></head><body>");
        var set = results.ResultSet;
        string dir = Path.GetDirectoryName(path)!;
        h.AppendLine("<h1>GuidedCam report</h1>");
        h.AppendLine($"<p class=\"small\">{results.Records.Count} values, {results.Skipped.Count} skipped items; config hash <code>{E(set.ConfigHash)}</code>, " +
            $"protocol <code>{E(set.ProtocolFingerprint)}</code>, created {set.CreatedUtc:u}. Ranks: 1 = best, ties averaged; tests at α = {results.Rankings.Options.Alpha.ToString(System.Globalization.CultureInfo.InvariantCulture)}. " +
            "How to read every table and file: docs/rankings.md.</p>");
        if (results.Metadata.TryGetValue("partial", out string? partialTop))
            h.AppendLine($"<p><b>Partial merge:</b> {E(partialTop)}. The tables cover only what was done.</p>");
        AppendAnswer(h, results);

        h.AppendLine("<h2>Details</h2><p>");
        if (results.Metadata.TryGetValue("merged_from", out string? merged))
            h.AppendLine($"Merged from: {E(merged).Replace("\n", "; ", StringComparison.Ordinal)}<br>");
        h.AppendLine("</p>");
        var links = artifacts.Where(a => !a.EndsWith(".png", StringComparison.OrdinalIgnoreCase)).Select(a => Path.GetRelativePath(dir, a)).ToList();
        if (links.Count > 0)
            h.AppendLine("<p>Files: " + string.Join(" · ", links.Select(l => $"<a href=\"{E(l.Replace('\\', '/'))}\">{E(l)}</a>")) + "</p>");

        h.AppendLine("<p>Cells are mean <span class=\"ci\">[95% bootstrap CI]</span>; <b>bold</b> = best in the column; ↑ higher is better, ↓ lower is better.</p>");
        foreach (var t in ResultTable.Build(results))
        {
            h.AppendLine($"<h3>{E(t.Model)} on {E(t.Dataset)}</h3><table class=\"sortable\"><tr><th>Method</th>");
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
                    h.Append($"<td data-v=\"{V(s.Mean)}\">{mean}{ci}{diffText}</td>");
                }
                h.AppendLine("</tr>");
            }
            h.AppendLine("</table>");
            foreach (string png in artifacts.Where(a => a.EndsWith(".png", StringComparison.OrdinalIgnoreCase) && BelongsTo(a, t.Model, t.Dataset) && !IsAnswerFigure(a)))
                h.AppendLine(Figure(png));
        }
        if (results.Skipped.Count > 0)
        {
            h.AppendLine($"<h2>Skipped items ({results.Skipped.Count})</h2><table><tr><th>Model</th><th>Dataset</th><th>Item</th><th>Reason</th></tr>");
            foreach (var s in results.Skipped)
                h.AppendLine($"<tr><td>{E(s.Model)}</td><td>{E(s.Dataset)}</td><td>{E(s.ItemId)}</td><td style=\"text-align:left\">{E(s.Reason)}</td></tr>");
            h.AppendLine("</table>");
        }
        h.AppendLine($"<h2>Config</h2><pre>{E(set.ConfigYaml)}</pre>");
        h.AppendLine(SortScript);
        h.AppendLine("</body></html>");
        File.WriteAllText(path, h.ToString());
    }

    private IEnumerable<string> Figures => artifacts.Where(a => a.EndsWith(".png", StringComparison.OrdinalIgnoreCase));

    private string? FigureNamed(string fileName) => Figures.FirstOrDefault(a => Path.GetFileName(a) == fileName);

    private static bool IsAnswerFigure(string png) =>
        new[] { RankFigureExporter.HeatmapKind, RankFigureExporter.CdKind, RankFigureExporter.AgreementKind }.Any(k => Path.GetFileName(png).StartsWith(k + "_", StringComparison.Ordinal));

    private static string Figure(string png, string? caption = null) =>
        $"<figure><img alt=\"{E(Path.GetFileName(png))}\" src=\"data:image/png;base64,{Convert.ToBase64String(File.ReadAllBytes(png))}\"><figcaption class=\"small\">{E(caption ?? Path.GetFileName(png))}</figcaption></figure>";

    private static string V(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);

    private static string P(double p) => double.IsNaN(p) ? "–" : p < 0.001 ? p.ToString("0.0e0", CultureInfo.InvariantCulture) : p.ToString("0.000", CultureInfo.InvariantCulture);

    private static string R(double v) => double.IsNaN(v) ? "–" : v.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The top of the page: rank heatmaps and critical-difference diagrams, the overall ranking, agreement, sanity, reliability.</summary>
    private void AppendAnswer(StringBuilder h, RunResults results)
    {
        var rankings = results.Rankings;
        h.AppendLine("<h2>Which method wins</h2>");
        foreach (var a in rankings.Across.Where(a => a.Scope == AcrossBlocks.ExperimentScope))
        {
            h.AppendLine("<div class=\"answer\">");
            if (FigureNamed(FigureStyle.FileName(RankFigureExporter.HeatmapKind, a.Model, a.Dataset)) is { } heat)
                h.AppendLine(Figure(heat, $"{a.Model} on {a.Dataset}: mean rank per metric (outlined: best; †: significantly worse than the best)"));
            if (FigureNamed(FigureStyle.FileName(RankFigureExporter.CdKind, a.Model, a.Dataset)) is { } cd)
                h.AppendLine(Figure(cd, $"{a.Model} on {a.Dataset}: critical-difference diagram across metrics"));
            h.AppendLine("</div>");
        }
        if (rankings.Across.FirstOrDefault(a => a.Scope == AcrossBlocks.ConfigScope) is { } all)
        {
            if (rankings.Across.Count(a => a.Scope == AcrossBlocks.ExperimentScope) > 1 && FigureNamed(FigureStyle.FileName(RankFigureExporter.CdKind, RankFigureExporter.AllBlocks)) is { } cdAll)
                h.AppendLine(Figure(cdAll, "critical-difference diagram over every block"));
            string friedman = all.Friedman is { } f ? $"Friedman χ²({all.Methods.Count - 1}) = {f.Statistic.ToString("0.00", CultureInfo.InvariantCulture)}, p = {P(f.PValue)}" : "fewer than three methods: no Friedman test";
            h.AppendLine($"<p>Over all {all.Blocks.Count} blocks (model × dataset × metric): {friedman}; post-hoc {E(LatexExporter.PostHocName(all.PostHoc))}, " +
                $"Nemenyi CD = {R(all.CriticalDifference)}. Best: <b>{E(results.MethodLabel(all.Methods[0].Method))}</b>.</p>");
            h.AppendLine("<table class=\"sortable\"><tr><th>Method</th><th>Mean rank</th><th>Wilcoxon p vs best</th><th>Holm p vs best</th><th>Verdict</th></tr>");
            foreach (var m in all.Methods)
                h.AppendLine($"<tr><td>{E(results.MethodLabel(m.Method))}</td><td data-v=\"{V(m.MeanRank)}\">{R(m.MeanRank)}</td><td data-v=\"{V(m.WilcoxonPVsBest)}\">{P(m.WilcoxonPVsBest)}</td>" +
                    $"<td data-v=\"{V(m.HolmPVsBest)}\">{P(m.HolmPVsBest)}</td><td>{(m == all.Methods[0] ? "best" : m.WorseThanBest ? "worse than the best" : "not separated from the best")}</td></tr>");
            h.AppendLine("</table>");
        }

        if (rankings.Agreement.Count > 0)
        {
            h.AppendLine("<h2>Do the metrics agree</h2><p>Kendall τ-b between the metrics' method rankings (mean ranks); 1 = the same order, 0 = unrelated, −1 = reversed. agreement.csv has the p-values.</p><div class=\"answer\">");
            foreach (var a in rankings.Across.Where(a => a.Scope == AcrossBlocks.ExperimentScope))
                if (FigureNamed(FigureStyle.FileName(RankFigureExporter.AgreementKind, a.Model, a.Dataset)) is { } ag)
                    h.AppendLine(Figure(ag, $"{a.Model} on {a.Dataset}: agreement of metric rankings"));
            h.AppendLine("</div>");
        }
        if (rankings.Consistency.Any(c => c.Pairs > 0))
        {
            h.AppendLine("<p>Consistency of each metric across models and datasets: mean τ-b between its rankings on every pair of blocks.</p>");
            h.AppendLine("<table class=\"sortable\"><tr><th>Metric</th><th>Blocks</th><th>Mean τ-b</th><th>Min</th><th>Max</th></tr>");
            foreach (var c in rankings.Consistency.Where(c => c.Pairs > 0))
                h.AppendLine($"<tr><td>{E(c.Metric)}{(c.MetricOptions.Length > 0 && rankings.Consistency.Count(x => x.Metric == c.Metric) > 1 ? " [" + E(c.MetricOptions) + "]" : "")}</td><td data-v=\"{c.Blocks}\">{c.Blocks}</td><td data-v=\"{V(c.MeanTau)}\">{R(c.MeanTau)}</td>" +
                    $"<td data-v=\"{V(c.MinTau)}\">{R(c.MinTau)}</td><td data-v=\"{V(c.MaxTau)}\">{R(c.MaxTau)}</td></tr>");
            h.AppendLine("</table>");
        }

        if (rankings.Sanity.Count > 0)
        {
            h.AppendLine("<h2>Metric sanity</h2><p>Does each metric rank the sanity baselines (no class evidence) below the real methods? " +
                "Units: share of units where the baseline is worse than every real method; pairs: share of (unit, real method) pairs where it is worse. " +
                "<span class=\"flag\">⚠</span> = its mean rank is not below every real method's.</p>");
            h.AppendLine("<table class=\"sortable\"><tr><th>Model / dataset</th><th>Metric</th><th>Baseline</th><th>Units below all (%)</th><th>Pairs below (%)</th><th>Mean rank</th><th>Worst real method's</th><th>Verdict</th></tr>");
            foreach (var x in rankings.Sanity)
            {
                var info = results.Metric(x.Block.Metric, x.Block.MetricOptions);
                string verdict = x.BelowAll ? "ranks last ✓" : "<span class=\"flag\">⚠ not below every real method</span>";
                h.AppendLine($"<tr><td>{E(x.Block.Model)} / {E(x.Block.Dataset)}</td><td>{E(info.ShortName)} {info.Arrow}</td><td>{E(results.MethodLabel(x.Baseline))}</td>" +
                    $"<td data-v=\"{V(x.UnitsBelowAll)}\">{(100 * x.UnitsBelowAll).ToString("0.0", CultureInfo.InvariantCulture)}</td><td data-v=\"{V(x.PairsBelow)}\">{(100 * x.PairsBelow).ToString("0.0", CultureInfo.InvariantCulture)}</td>" +
                    $"<td data-v=\"{V(x.MeanRank)}\">{R(x.MeanRank)}</td><td data-v=\"{V(x.WorstRealMeanRank)}\">{R(x.WorstRealMeanRank)}</td><td>{verdict}</td></tr>");
            }
            h.AppendLine("</table>");
        }

        if (results.Reliability.Count > 0)
        {
            h.AppendLine("<h2>Metric reliability (MetaQuantus)</h2><p>Noise resilience (NR: a small perturbation should not change the scores or the rankings) and " +
                "adversarial reactivity (AR: a disruptive one should); IAC from Wilcoxon p-values per method, IEC from the rankings; MC = their mean, 1 is best (docs/rankings.md).</p>");
            h.AppendLine("<table class=\"sortable\"><tr><th>Model / dataset</th><th>Metric</th><th>IAC NR</th><th>IAC AR</th><th>IEC NR</th><th>IEC AR</th><th>MC</th><th>Items NR / AR</th></tr>");
            foreach (var r in results.Reliability)
            {
                var info = results.Metric(r.Metric, r.MetricOptions);
                h.AppendLine($"<tr><td>{E(r.Model)} / {E(r.Dataset)}</td><td>{E(info.ShortName)} {info.Arrow}</td><td data-v=\"{V(r.IacNr)}\">{R(r.IacNr)}</td><td data-v=\"{V(r.IacAr)}\">{R(r.IacAr)}</td>" +
                    $"<td data-v=\"{V(r.IecNr)}\">{R(r.IecNr)}</td><td data-v=\"{V(r.IecAr)}\">{R(r.IecAr)}</td><td data-v=\"{V(r.MC)}\"><b>{R(r.MC)}</b></td><td>{r.ResilienceItems} / {r.AdversaryItems}</td></tr>");
            }
            h.AppendLine("</table>");
        }
    }

    /// <summary>Sorting for every table of class "sortable" (no network): a click on a header sorts by that column, numbers by their data-v value, a second click reverses.</summary>
    private const string SortScript = """
<script>
document.querySelectorAll('table.sortable').forEach(function (table) {
  var headers = table.rows[0].cells;
  Array.prototype.forEach.call(headers, function (th, col) {
    th.addEventListener('click', function () {
      var rows = Array.prototype.slice.call(table.rows, 1);
      var asc = th.getAttribute('data-sort') !== 'asc';
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute('data-sort'); });
      th.setAttribute('data-sort', asc ? 'asc' : 'desc');
      function key(row) {
        var cell = row.cells[col];
        if (!cell) return '';
        var v = cell.getAttribute('data-v');
        return v !== null && v !== '' && !isNaN(parseFloat(v)) ? parseFloat(v) : cell.textContent.trim();
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b);
        var c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { r.parentNode.appendChild(r); });
    });
  });
});
</script>
""";

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
