using System.CommandLine;
using GuidedCam.Core;
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

    /// <summary>The plan as a table: per model × dataset cell its items, the layer's K and the network work per item, from what each method and metric declares.</summary>
    public static void PrintPlan(ExperimentConfig cfg, Plan plan, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var table = new Table().AddColumns("model", "dataset", "layer", "input", "K", "items", "method runs", "metric values", "forwards/item", "backwards/item");
        long totalValues = 0, totalForwards = 0, totalBackwards = 0;
        foreach (var c in plan.Cells)
        {
            long values = (long)c.Items * plan.Methods.Count * plan.Metrics.Count;
            var perItem = CostPerItem(plan, c);
            totalValues += values;
            totalForwards += perItem.Forwards * c.Items;
            totalBackwards += perItem.Backwards * c.Items;
            table.AddRow(Markup.Escape(c.Model), Markup.Escape(c.Dataset), Markup.Escape(c.Layer), $"{c.InputWidth}×{c.InputHeight}", c.Channels.ToString(),
                c.Items.ToString(), ((long)c.Items * plan.Methods.Count).ToString(), $"≥ {values}", perItem.Forwards.ToString(), perItem.Backwards.ToString());
        }
        console.MarkupLine($"[bold]{Markup.Escape(cfg.Name)}[/]: {plan.Cells.Count} model × dataset cells, {plan.Methods.Count} methods, {plan.Metrics.Count} metrics, seed {cfg.Seed}, device {cfg.Device}, batch {cfg.BatchSize}");
        console.Write(table);
        console.WriteLine("methods: " + string.Join(", ", plan.Methods.Select(m => m.Id + Opts(m.Options))));
        console.WriteLine("metrics: " + string.Join(", ", plan.Metrics.Select(m => m.Id + Opts(m.Options))));
        console.WriteLine($"estimated image forwards in all: {totalForwards:N0}, backwards: {totalBackwards:N0} (per predicted-class unit; ground-truth units of multi-label images add maps and region metrics, not forwards)");
        console.WriteLine($"metric values: at least {totalValues:N0}");
    }

    private static string Opts(IReadOnlyDictionary<string, string> o) => o.Count == 0 ? "" : "(" + string.Join(", ", o.Select(kv => $"{kv.Key}={kv.Value}")) + ")";

    /// <summary>
    /// Network work per item: one clean forward; per method what it declares for the layer's K, plus
    /// per method what each metric declares for the input size — work that several metrics share
    /// (the same <see cref="MetricCost.SharedKey"/>) counted once.
    /// </summary>
    public static PassCost CostPerItem(Plan plan, PlanCell cell)
    {
        var metricCosts = plan.Metrics.Select(m => m.Cost(cell.InputHeight, cell.InputWidth)).ToList();
        var perMap = metricCosts.Where(c => c.SharedKey is null).Select(c => c.PerUnit)
            .Concat(metricCosts.Where(c => c.SharedKey is not null).GroupBy(c => c.SharedKey).Select(g => g.First().PerUnit))
            .Aggregate(PassCost.None, (a, b) => a + b);
        var cost = new PassCost(1, 0);
        foreach (var m in plan.Methods)
            cost = cost + m.Cost(cell.Channels) + perMap;
        return cost;
    }
}
