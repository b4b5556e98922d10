using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using Spectre.Console;

namespace GuidedCam.Harness.Cli;

/// <summary>`guidedcam run &lt;config&gt;`: the whole experiment, resumable, then the report.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = "experiment YAML file (e.g. configs/quickstart.yaml)" };
        var outDir = new Option<string?>("--out") { Description = "run folder (default: <output>/<name> from the config, e.g. results/quickstart)" };
        var shard = new Option<string?>("--shard") { Description = "run only shard i of N (0-based, i/N, e.g. 0/4); each shard needs its own --out; combine with `guidedcam merge`" };
        var cmd = new Command("run", "Run an experiment (models × datasets × methods × metrics) into a run folder; re-running resumes where it stopped.") { config, outDir, shard };
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            var cfg = ConfigLoader.Load(r.GetValue(config)!);
            var exp = new Experiment
            {
                Config = cfg,
                RunDir = r.GetValue(outDir) ?? Experiment.DefaultRunDir(cfg),
                Shard = r.GetValue(shard) is { } s ? Shard.Parse(s) : Shard.All,
            };
            Console.WriteLine($"run folder: {exp.RunDir}");
            var stats = exp.Execute(body => SpectreProgress.Show(body), Console.WriteLine);
            var files = ReportBuilder.Build(exp.RunDir);
            PrintSummary(exp.RunDir);
            Console.WriteLine($"{stats.ItemsComputed} items computed, {stats.ItemsResumed} resumed from the journal, {stats.ItemsSkipped} skipped; " +
                $"{stats.Records} cells and {stats.MapsComputed} maps computed; {files.Count} report files in {exp.RunDir}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// The summary of a run folder as a console table: one row per method, one column per metric
    /// (short name, ↑/↓), the headline mean. Intervals, std and counts are in summary.csv; options
    /// are shown only where they differ from the defaults.
    /// </summary>
    public static void PrintSummary(string runDir, RunView? view = null)
    {
        var results = RunResults.Load(runDir, view: view);
        foreach (var cell in results.Summary.GroupBy(r => (r.Model, r.Dataset)))
        {
            var metrics = cell.Select(r => (r.Metric, r.MetricOptions, r.Direction)).Distinct().ToList();
            var table = new Table().Title($"{Markup.Escape(cell.Key.Model)} × {Markup.Escape(cell.Key.Dataset)} (means; intervals in summary.csv)");
            table.AddColumn("method");
            foreach (var m in metrics)
                table.AddColumn(new TableColumn(Markup.Escape(ShortMetric(m.Metric) + NonDefault(m.MetricOptions, () => MetricRegistry.Create(m.Metric).Options) +
                    (m.Direction == ScoreDirection.HigherIsBetter ? " ↑" : " ↓"))).RightAligned());
            foreach (var method in cell.Select(r => (r.Method, r.MethodOptions)).Distinct())
            {
                var row = new List<string> { Markup.Escape(method.Method + NonDefault(method.MethodOptions, () => MethodRegistry.Create(method.Method).Options)) };
                foreach (var m in metrics)
                {
                    var s = cell.FirstOrDefault(r => r.Method == method.Method && r.MethodOptions == method.MethodOptions && r.Metric == m.Metric && r.MetricOptions == m.MetricOptions);
                    row.Add(s is null ? "" : s.Mean.ToString(Math.Abs(s.Mean) >= 10 ? "0.0" : "0.000", System.Globalization.CultureInfo.InvariantCulture));
                }
                table.AddRow(row.ToArray());
            }
            AnsiConsole.Write(table);
        }
    }

    private static string ShortMetric(string id) => id switch
    {
        "average-drop" => "AD %",
        "increase-in-confidence" => "IC %",
        "deletion" => "Del",
        "insertion" => "Ins",
        "pointing-game" => "PG %",
        "energy-pointing-game" => "EPG %",
        "loc-gt-known" => "Loc-GT %",
        "loc-top1" => "Loc-Top1 %",
        _ => id,
    };

    /// <summary>" [k=v]" for the options that differ from the component's defaults (none when it cannot be created here).</summary>
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
