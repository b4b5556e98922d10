using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
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
            Console.WriteLine($"{stats.ItemsComputed} items computed, {stats.ItemsResumed} resumed from the journal, {stats.ItemsSkipped} skipped; {files.Count} report files in {exp.RunDir}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>The summary of a run folder as a console table: methods × metrics, mean ± 95% CI half-width.</summary>
    public static void PrintSummary(string runDir)
    {
        var results = RunResults.Load(runDir);
        foreach (var cell in results.Summary.GroupBy(r => (r.Model, r.Dataset)))
        {
            var metrics = cell.Select(r => (r.Metric, r.MetricOptions)).Distinct().ToList();
            var table = new Table().Title($"{Markup.Escape(cell.Key.Model)} × {Markup.Escape(cell.Key.Dataset)}");
            table.AddColumn("method");
            foreach (var m in metrics)
            {
                var any = cell.First(r => r.Metric == m.Metric && r.MetricOptions == m.MetricOptions);
                table.AddColumn(new TableColumn(Markup.Escape($"{m.Metric} {(any.Direction == GuidedCam.Metrics.ScoreDirection.HigherIsBetter ? "↑" : "↓")}")).RightAligned());
            }
            foreach (var method in cell.Select(r => (r.Method, r.MethodOptions)).Distinct())
            {
                var row = new List<string> { Markup.Escape(method.MethodOptions.Length == 0 ? method.Method : $"{method.Method} [{method.MethodOptions}]") };
                foreach (var m in metrics)
                {
                    var s = cell.FirstOrDefault(r => r.Method == method.Method && r.MethodOptions == method.MethodOptions && r.Metric == m.Metric && r.MetricOptions == m.MetricOptions);
                    row.Add(s is null ? "" : $"{s.Mean:0.###} ±{(s.CiHigh - s.CiLow) / 2:0.##}");
                }
                table.AddRow(row.ToArray());
            }
            AnsiConsole.Write(table);
        }
    }
}
