using System.Globalization;
using System.Text;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// results.tex: the tables of a paper, with booktabs rules (\usepackage{booktabs}): per model and dataset the
/// methods × metrics means (best in bold, ↑/↓ as $\uparrow$/$\downarrow$) and the mean ranks per metric with
/// the mean across metrics and the Friedman p-values; then the ranking over every block of the report.
/// </summary>
public sealed class LatexExporter() : ReportFileExporter(FileName)
{
    public const string FileName = "results.tex";

    protected override void Write(RunResults results, string path)
    {
        var tex = new StringBuilder();
        tex.AppendLine("% GuidedCam results: \\usepackage{booktabs}. Written by `guidedcam report` from the journal.");
        foreach (var t in ResultTable.Build(results))
        {
            tex.AppendLine("\\begin{table}[t]\\centering\\small");
            tex.AppendLine($"\\caption{{{Escape(t.Model)} on {Escape(t.Dataset)}: mean over units (best in bold).}}");
            tex.AppendLine($"\\begin{{tabular}}{{l{new string('r', t.Columns.Count)}}}\\toprule");
            tex.AppendLine("Method & " + string.Join(" & ", t.Columns.Select(Header)) + " \\\\\\midrule");
            for (int m = 0; m < t.Rows.Count; m++)
            {
                var cells = Enumerable.Range(0, t.Columns.Count).Select(c => t.Cells[m, c] is { } s
                    ? (t.Best[m, c] ? $"\\textbf{{{ResultTable.FormatValue(s.Mean, t.Units[c])}}}" : ResultTable.FormatValue(s.Mean, t.Units[c])) : "--");
                tex.AppendLine($"{Escape(t.Rows[m])} & {string.Join(" & ", cells)} \\\\");
            }
            tex.AppendLine("\\bottomrule\\end{tabular}\\end{table}").AppendLine();

            var blocks = results.Rankings.Blocks.Where(b => b.Key.Model == t.Model && b.Key.Dataset == t.Dataset)
                .OrderBy(b => results.Metric(b.Key.Metric, b.Key.MetricOptions).Order).ThenBy(b => b.Key.Metric, StringComparer.Ordinal).ToList();
            var across = results.Rankings.Across.FirstOrDefault(a => a.Scope == AcrossBlocks.ExperimentScope && a.Model == t.Model && a.Dataset == t.Dataset);
            if (blocks.Count == 0 || across is null) continue;
            tex.AppendLine("\\begin{table}[t]\\centering\\small");
            tex.AppendLine($"\\caption{{{Escape(t.Model)} on {Escape(t.Dataset)}: mean rank over units (1 = best, ties averaged) per metric, and the mean of the metrics' ranks; " +
                $"last row: Friedman p over units. {Escape(PostHocName(across.PostHoc))} at $\\alpha = {across.Alpha.ToString(CultureInfo.InvariantCulture)}$ across metrics, CD = {F(across.CriticalDifference)}.}}");
            tex.AppendLine($"\\begin{{tabular}}{{l{new string('r', blocks.Count + 1)}}}\\toprule");
            tex.AppendLine("Method & " + string.Join(" & ", blocks.Select(b => Header(results.MetricLabel(b.Key.Model, b.Key.Dataset, b.Key.Metric, b.Key.MetricOptions)))) + " & Mean rank \\\\\\midrule");
            foreach (var m in across.Methods)
            {
                var cells = blocks.Select(b => b.Of(m.Method) is { } r ? (r == b.Methods[0] ? $"\\textbf{{{F(r.MeanRank)}}}" : F(r.MeanRank)) : "--");
                string mean = m == across.Methods[0] ? $"\\textbf{{{F(m.MeanRank)}}}" : F(m.MeanRank);
                tex.AppendLine($"{Escape(results.MethodLabel(m.Method))} & {string.Join(" & ", cells)} & {mean} \\\\");
            }
            tex.AppendLine("\\midrule Friedman $p$ & " + string.Join(" & ", blocks.Select(b => P(b.Friedman?.PValue ?? double.NaN))) + $" & {P(across.Friedman?.PValue ?? double.NaN)} \\\\");
            tex.AppendLine("\\bottomrule\\end{tabular}\\end{table}").AppendLine();
        }
        if (results.Rankings.Across.FirstOrDefault(a => a.Scope == AcrossBlocks.ConfigScope) is { } all)
        {
            tex.AppendLine("\\begin{table}[t]\\centering\\small");
            tex.AppendLine($"\\caption{{Mean rank over all {all.Blocks.Count} blocks (model $\\times$ dataset $\\times$ metric); Friedman $p$ = {P(all.Friedman?.PValue ?? double.NaN)}; " +
                $"{Escape(PostHocName(all.PostHoc))} against the best at $\\alpha = {all.Alpha.ToString(CultureInfo.InvariantCulture)}$ (CD = {F(all.CriticalDifference)}).}}");
            tex.AppendLine("\\begin{tabular}{lrrl}\\toprule");
            tex.AppendLine("Method & Mean rank & Holm $p$ vs best & \\\\\\midrule");
            foreach (var m in all.Methods)
                tex.AppendLine($"{Escape(results.MethodLabel(m.Method))} & {F(m.MeanRank)} & {P(m.HolmPVsBest)} & {(m.WorseThanBest ? "worse" : "")} \\\\");
            tex.AppendLine("\\bottomrule\\end{tabular}\\end{table}");
        }
        File.WriteAllText(path, tex.ToString());
    }

    public static string PostHocName(string postHoc) => postHoc == Core.Ranking.RankingOptions.Nemenyi ? "Nemenyi" : "Wilcoxon signed-rank with Holm";

    private static string F(double v) => double.IsNaN(v) ? "--" : v.ToString("0.00", CultureInfo.InvariantCulture);

    private static string P(double p) => double.IsNaN(p) ? "--" : p < 0.001 ? "$<$0.001" : p.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Header(string label) => Escape(label).Replace("↑", "$\\uparrow$", StringComparison.Ordinal).Replace("↓", "$\\downarrow$", StringComparison.Ordinal);

    /// <summary>Text safe inside LaTeX: the ten special characters escaped.</summary>
    public static string Escape(string s)
    {
        var b = new StringBuilder();
        foreach (char c in s)
            b.Append(c switch
            {
                '\\' => "\\textbackslash{}", '{' => "\\{", '}' => "\\}", '$' => "\\$", '&' => "\\&", '#' => "\\#", '%' => "\\%", '_' => "\\_",
                '^' => "\\textasciicircum{}", '~' => "\\textasciitilde{}",
                _ => c.ToString(),
            });
        return b.ToString();
    }
}
