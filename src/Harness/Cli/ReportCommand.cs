using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using Spectre.Console;
using GuidedCam.Harness.Results.Exporters;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// `guidedcam report &lt;run&gt;`: rebuild every artifact of a run folder from its journal. A report is a
/// view: by default the cells of the folder's latest run (its config.yaml); `--config other.yaml` shows
/// the cells another config selects from the same journal (written to &lt;run&gt;/views/&lt;name&gt;/);
/// `--list` lists everything the journal holds.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var run = new Argument<string>("run") { Description = "run folder (holds journal.sqlite)" };
        var config = new Option<string?>("--config") { Description = "show the cells this config selects (its models are loaded to know their identity); written to <run>/views/<name>/" };
        var list = new Option<bool>("--list") { Description = "list every model, dataset, method, metric and run the journal holds, with cell counts" };
        var cmd = new Command("report", "Rebuild items.csv, summary.csv, results.md, figures and report.html of a run folder from its journal alone.") { run, config, list };
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            string dir = r.GetValue(run)!;
            if (r.GetValue(list))
            {
                PrintCatalog(dir);
                return 0;
            }
            RunView? view = null;
            string? reportDir = null;
            if (r.GetValue(config) is { } path)
            {
                var cfg = ConfigLoader.Load(path);
                using var plan = RunPlan.Build(cfg, store: null);
                view = plan.View;
                reportDir = Path.Combine(dir, "views", RunLayout.SafeName(cfg.Name));
            }
            var files = ReportBuilder.Build(dir, out var results, view: view, reportDir: reportDir);
            SummaryConsoleTable.Print(results);
            foreach (var f in files) Console.WriteLine(f);
            return 0;
        }));
        return cmd;
    }

    /// <summary>Everything the journal holds: runs, model and dataset identities, and cell counts per model × dataset × method × metric.</summary>
    public static void PrintCatalog(string runDir)
    {
        using var journal = ResultJournal.Open(ResultJournal.PathIn(runDir), create: false);
        var models = journal.Models.ToDictionary(m => m.Key);
        var datasets = journal.Datasets.ToDictionary(d => d.Key);
        Console.WriteLine($"runs ({journal.Runs.Count}):");
        foreach (var run in journal.Runs)
            Console.WriteLine($"  {run.Id}  {run.CreatedUtc:u}  protocol {run.ProtocolFingerprint}{(run.Shard is { } s ? $"  shard {s}" : "")}  " +
                $"{run.View.Methods.Count} methods × {run.View.Metrics.Count} metrics on {string.Join(", ", run.View.Datasets.Select(d => $"{d.Name} ({d.Items.Count} items)"))}");
        Console.WriteLine($"models ({models.Count}):");
        foreach (var m in models.Values) Console.WriteLine($"  {m.Key[..12]}  {m.Name}: {m.Description.Replace('\n', ' ')}");
        Console.WriteLine($"datasets ({datasets.Count}):");
        foreach (var d in datasets.Values) Console.WriteLine($"  {d.Key[..12]}  {d.Name}: {d.Description.Replace('\n', ' ')}");
        var table = new Table().AddColumns("model", "dataset", "method", "method options", "metric", "metric options", "cells");
        foreach (var c in journal.Catalog())
            table.AddRow(Markup.Escape(models.TryGetValue(c.ModelKey, out var m) ? m.Name : c.ModelKey[..12]), Markup.Escape(datasets.TryGetValue(c.DatasetKey, out var d) ? d.Name : c.DatasetKey[..12]),
                Markup.Escape(c.Method), Markup.Escape(c.MethodOptions), Markup.Escape(c.Metric), Markup.Escape(c.MetricOptions), c.Cells.ToString());
        AnsiConsole.Write(table);
        var counts = journal.Counts();
        Console.WriteLine($"journal: {counts.Cells} cells, {counts.Maps} stored maps, {counts.Units} item units, {counts.Skipped} skipped items");
        foreach (var (kind, n, bytes) in journal.MapStoreSize())
            Console.WriteLine($"map store, {kind.ToString().ToLowerInvariant()} maps: {n} maps, {bytes} bytes ({(double)bytes / Math.Max(1, n):F0} bytes per map)");
    }
}
