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
        var experiment = new ExperimentArguments("experiment YAML file (e.g. configs/quickstart.yaml)",
            "run folder (default: <output>/<name> from the config, e.g. results/quickstart)",
            "run only shard i of N (0-based, i/N, e.g. 0/4); each shard needs its own --out; combine with `guidedcam merge`");
        var cmd = experiment.AddTo(new Command("run", "Run an experiment (models × datasets × methods × metrics) into a run folder; re-running resumes where it stopped."));
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            var (cfg, runDir, shard) = experiment.Resolve(r);
            var exp = new Experiment { Config = cfg, RunDir = runDir, Shard = shard };
            Console.WriteLine($"run folder: {exp.RunDir}");
            var stats = exp.Execute(body => SpectreProgress.Show(body), Console.WriteLine);
            // The console summary reads the results the report was built from: one bootstrap, not two.
            var files = ReportBuilder.Build(exp.RunDir, out var results);
            SummaryConsoleTable.Print(results);
            Console.WriteLine($"{stats.ItemsComputed} items computed, {stats.ItemsResumed} resumed from the journal, {stats.ItemsSkipped} skipped; " +
                $"{stats.Records} cells and {stats.MapsComputed} maps computed; {files.Count} report files in {exp.RunDir}");
            return 0;
        }));
        return cmd;
    }
}
