using System.Globalization;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using Spectre.Console;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// The summary of a run folder as a console table (`run`, `report` and `merge` end with it): one row
/// per method, one column per metric under the metric's own short name and ↑/↓, in the metric's
/// declared order, the headline mean. Intervals, std and counts are in summary.csv; options are shown
/// only where they differ from the defaults.
/// </summary>
public static class SummaryConsoleTable
{
    /// <param name="methods">Where method defaults are looked up; the built-in methods when null.</param>
    /// <param name="metrics">Where metric ids are looked up; the built-in metrics when null.</param>
    /// <param name="view">Which cells of the journal to show; the run folder's latest view when null.</param>
    public static void Print(string runDir, MethodCatalog? methods = null, MetricCatalog? metrics = null, IAnsiConsole? console = null, RunView? view = null) =>
        Print(RunResults.Load(runDir, view: view, metrics: metrics ??= MetricRegistry.BuiltIn), methods, metrics, console);

    /// <summary>The table of results already loaded (by the report that was just built).</summary>
    /// <param name="methods">Where method defaults are looked up; the built-in methods when null.</param>
    /// <param name="metrics">Where metric defaults are looked up; the built-in metrics when null.</param>
    public static void Print(RunResults results, MethodCatalog? methods = null, MetricCatalog? metrics = null, IAnsiConsole? console = null)
    {
        methods ??= MethodRegistry.BuiltIn;
        metrics ??= MetricRegistry.BuiltIn;
        console ??= AnsiConsole.Console;
        foreach (var cell in results.Summary.GroupBy(r => (r.Model, r.Dataset)))
        {
            var columns = cell.Select(r => (r.Metric, r.MetricOptions)).Distinct()
                .Select(m => results.Metric(m.Metric, m.MetricOptions))
                .OrderBy(m => m.Order).ThenBy(m => m.Id, StringComparer.Ordinal).ThenBy(m => m.Options, StringComparer.Ordinal).ToList();
            var table = new Table().Title($"{Markup.Escape(cell.Key.Model)} × {Markup.Escape(cell.Key.Dataset)} (means; intervals in summary.csv)");
            table.AddColumn("method");
            foreach (var m in columns)
                table.AddColumn(new TableColumn(Markup.Escape(m.ShortName + NonDefault(m.Options, () => metrics.Create(m.Id).Options) + " " + m.Arrow)).RightAligned());
            foreach (var method in cell.Select(r => (r.Method, r.MethodOptions)).Distinct())
            {
                var row = new List<string> { Markup.Escape(method.Method + NonDefault(method.MethodOptions, () => methods.Create(method.Method).Options)) };
                foreach (var m in columns)
                {
                    var s = cell.FirstOrDefault(r => r.Method == method.Method && r.MethodOptions == method.MethodOptions && r.Metric == m.Id && r.MetricOptions == m.Options);
                    row.Add(s is null ? "" : s.Mean.ToString(Math.Abs(s.Mean) >= 10 ? "0.0" : "0.000", CultureInfo.InvariantCulture));
                }
                table.AddRow(row.ToArray());
            }
            console.Write(table);
        }
    }

    /// <summary>" [k=v]" for the options that differ from the component's defaults (all of them when it cannot be created here).</summary>
    private static string NonDefault(string canonical, Func<IReadOnlyDictionary<string, string>> defaults)
    {
        if (canonical.Length == 0) return "";
        IReadOnlyDictionary<string, string> d;
        try { d = defaults(); }
        catch (ArgumentException) { return $" [{canonical}]"; }
        var differing = canonical.Split(';').Where(kv => kv.Split('=', 2) is [var k, var v] && !(d.TryGetValue(k, out var dv) && dv == v)).ToArray();
        return differing.Length == 0 ? "" : $" [{string.Join(";", differing)}]";
    }
}
