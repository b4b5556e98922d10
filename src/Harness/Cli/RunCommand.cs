using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using Spectre.Console;
using GuidedCam.Harness.Results.Exporters;
using GuidedCam.Harness.Datasets;

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
            SummaryConsoleTable.Print(exp.RunDir);
            Console.WriteLine($"{stats.ItemsComputed} items computed, {stats.ItemsResumed} resumed from the journal, {stats.ItemsSkipped} skipped; " +
                $"{stats.Records} cells and {stats.MapsComputed} maps computed; {files.Count} report files in {exp.RunDir}");
            return 0;
        }));
        return cmd;
    }
}
