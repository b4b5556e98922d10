using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using Spectre.Console;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// `guidedcam validate &lt;config&gt;`: every error with its line, or the plan — without running anything.
/// Against an existing run folder (the config's own, or --out) the plan counts what is already there:
/// cells wanted and present, maps and forwards still to spend. Each model is loaded once.
/// </summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var experiment = new ExperimentArguments("experiment YAML file",
            "run folder to plan against (default: <output>/<name> from the config)", "plan only shard i of N (0-based, i/N)");
        var cmd = experiment.AddTo(new Command("validate", "Check a config completely and print the plan (cells wanted and present, maps to compute, estimated forwards) without running it."));
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            var (cfg, runDir, s) = experiment.Resolve(r);
            string journalPath = ResultJournal.PathIn(runDir);
            using var journal = File.Exists(journalPath) ? ResultJournal.Open(journalPath, create: false) : null;
            using var plan = RunPlan.Build(cfg, journal is null ? null : new JournalSink(journal, runDir), s);
            PrintPlan(cfg, plan, journal is null ? null : runDir);
            return 0;
        }));
        return cmd;
    }

    /// <summary>The plan as a table (cells wanted and present, maps and passes to spend per model × dataset), on <paramref name="console"/> (the terminal when null).</summary>
    public static void PrintPlan(ExperimentConfig cfg, RunPlan plan, string? againstRunDir, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var table = new Table().AddColumns("model", "dataset", "layer", "input", "K", "items", "cells wanted", "present", "maps to compute", "image forwards", "backwards");
        foreach (var s in plan.Stages)
        {
            var c = s.Counts;
            string ge = c.CellsAtLeast ? "≥ " : "";
            table.AddRow(Markup.Escape(s.Model.Name), Markup.Escape(s.Dataset.Name), Markup.Escape(s.Layer), $"{s.Probe.InputWidth}×{s.Probe.InputHeight}", s.Probe.Channels.ToString(),
                c.Items.ToString(), ge + c.CellsWanted, c.CellsPresent.ToString(), ge + c.MapsToCompute, ge + c.Forwards, ge + c.Backwards);
        }
        console.MarkupLine($"[bold]{Markup.Escape(cfg.Name)}[/]: {plan.Stages.Count} model × dataset, {plan.Methods.Count} methods, {plan.Metrics.Count} metrics, seed {cfg.Seed}, device {cfg.Device}, batch {cfg.BatchSize}" +
            (againstRunDir is null ? " (no run folder yet: everything is to compute)" : $" (against {Markup.Escape(againstRunDir)})"));
        console.Write(table);
        foreach (var c in plan.Stages.Select(s => s.Probe).Where(c => c.UnreadableItems.Count > 0))
        {
            console.WriteLine($"{c.Model} × {c.Dataset}: {c.UnreadableItems.Count} item(s) before the first readable one will be skipped: {c.UnreadableItems[0]}" +
                (c.UnreadableItems.Count > 1 ? $" (and {c.UnreadableItems.Count - 1} more)" : ""));
            if (c.Channels == 0) console.WriteLine($"{c.Model} × {c.Dataset}: no item could be read; the run will skip them all");
        }
        console.WriteLine("methods: " + string.Join(", ", plan.Methods.Select(m => m.Id + Opts(m.Options))));
        console.WriteLine("metrics: " + string.Join(", ", plan.Metrics.Select(m => m.Id + Opts(m.Options))));
        foreach (string line in PlanText.Lines(plan)) console.WriteLine(line);
    }

    private static string Opts(IReadOnlyDictionary<string, string> o) => o.Count == 0 ? "" : "(" + string.Join(", ", o.Select(kv => $"{kv.Key}={kv.Value}")) + ")";
}
