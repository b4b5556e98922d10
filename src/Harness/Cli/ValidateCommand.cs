using System.CommandLine;
using GuidedCam.Harness.Config;
using GuidedCam.Metrics;
using Spectre.Console;

namespace GuidedCam.Harness.Cli;

/// <summary>`guidedcam validate &lt;config&gt;`: every error with its line, or the plan — without running anything.</summary>
public static class ValidateCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("config") { Description = "experiment YAML file" };
        var cmd = new Command("validate", "Check a config completely and print the plan (items × methods × metrics, estimated forward passes) without running it.") { config };
        cmd.SetAction(r => CliErrors.Guard(() =>
        {
            var cfg = ConfigLoader.Load(r.GetValue(config)!);
            var plan = ConfigValidator.Validate(cfg);
            PrintPlan(cfg, plan);
            return 0;
        }));
        return cmd;
    }

    public static void PrintPlan(ExperimentConfig cfg, Plan plan)
    {
        var table = new Table().AddColumns("model", "dataset", "layer", "input", "K", "items", "method runs", "metric values", "forwards/item");
        long totalValues = 0, totalForwards = 0;
        foreach (var c in plan.Cells)
        {
            long values = (long)c.Items * plan.Methods.Count * plan.Metrics.Count;
            long perItem = ForwardsPerItem(plan, c);
            totalValues += values;
            totalForwards += perItem * c.Items;
            table.AddRow(Markup.Escape(c.Model), Markup.Escape(c.Dataset), Markup.Escape(c.Layer), $"{c.InputWidth}×{c.InputHeight}", c.Channels.ToString(),
                c.Items.ToString(), ((long)c.Items * plan.Methods.Count).ToString(), $"≥ {values}", perItem.ToString());
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(cfg.Name)}[/]: {plan.Cells.Count} model × dataset cells, {plan.Methods.Count} methods, {plan.Metrics.Count} metrics, seed {cfg.Seed}, device {cfg.Device}, batch {cfg.BatchSize}");
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine("methods: " + string.Join(", ", plan.Methods.Select(m => m.Id + Opts(m.Options))));
        AnsiConsole.WriteLine("metrics: " + string.Join(", ", plan.Metrics.Select(m => m.Id + Opts(m.Options))));
        AnsiConsole.WriteLine($"estimated image forwards in all: {totalForwards:N0} (per predicted-class unit; ground-truth units of multi-label images add maps and region metrics, not forwards)");
        AnsiConsole.WriteLine($"metric values: at least {totalValues:N0}");
    }

    private static string Opts(IReadOnlyDictionary<string, string> o) => o.Count == 0 ? "" : "(" + string.Join(", ", o.Select(kv => $"{kv.Key}={kv.Value}")) + ")";

    /// <summary>
    /// Image forwards per item: one clean forward; per method one forward (plus K masked inputs for
    /// Score-CAM, K suffix runs for Ablation-CAM); per method and metric: one masked forward shared by
    /// AD and IC, n + 1 for each deletion/insertion curve with n = ceil(H·W/step), 2 × #percentiles for
    /// ROAD (one imputed image per percentile and order).
    /// </summary>
    public static long ForwardsPerItem(Plan plan, PlanCell cell)
    {
        long f = 1;
        bool adIc = plan.Metrics.Any(m => m.Id is "average-drop" or "increase-in-confidence");
        foreach (var m in plan.Methods)
        {
            f += m.Id switch { "center" => 0, "scorecam" or "ablationcam" => 1 + cell.Channels, _ => 1 };
            if (adIc) f += 1;
            foreach (var metric in plan.Metrics.Where(x => x.Id is "deletion" or "insertion"))
            {
                long pixels = (long)cell.InputHeight * cell.InputWidth;
                long step = metric.Options.TryGetValue("step", out var s) && long.TryParse(s, out long v) && v > 0 ? v : cell.InputWidth;
                f += (pixels + step - 1) / Math.Max(1, step) + 1;
            }
            foreach (var road in plan.Metrics.OfType<RoadMetric>())
                f += road.ForwardsPerUnit;
        }
        return f;
    }
}
