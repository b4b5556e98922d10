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
        var table = new Table().AddColumns("model", "dataset", "layer", "items", "method runs", "metric values");
        long totalValues = 0;
        foreach (var c in plan.Cells)
        {
            long values = (long)c.Items * plan.Methods.Count * plan.Metrics.Count;
            totalValues += values;
            table.AddRow(Markup.Escape(c.Model), Markup.Escape(c.Dataset), Markup.Escape(c.Layer), c.Items.ToString(), ((long)c.Items * plan.Methods.Count).ToString(), $"≥ {values}");
        }
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(cfg.Name)}[/]: {plan.Cells.Count} model × dataset cells, {plan.Methods.Count} methods, {plan.Metrics.Count} metrics, seed {cfg.Seed}, device {cfg.Device}, batch {cfg.BatchSize}");
        AnsiConsole.Write(table);
        AnsiConsole.WriteLine("methods: " + string.Join(", ", plan.Methods.Select(m => m.Id + Opts(m.Options))));
        AnsiConsole.WriteLine("metrics: " + string.Join(", ", plan.Metrics.Select(m => m.Id + Opts(m.Options))));
        AnsiConsole.WriteLine($"forward passes per item (estimate): {ForwardEstimate(plan)}");
        AnsiConsole.WriteLine($"metric values: at least {totalValues} (ground-truth metrics add one unit per extra class present)");
    }

    private static string Opts(IReadOnlyDictionary<string, string> o) => o.Count == 0 ? "" : "(" + string.Join(", ", o.Select(kv => $"{kv.Key}={kv.Value}")) + ")";

    /// <summary>
    /// One clean forward, one forward (+ one backward) per gradient method, and per metric: AD/IC one
    /// forward; deletion/insertion n + 1 with n = ceil(H·W/step) (evaluated at 224×224 when unknown).
    /// Score-CAM and Ablation-CAM add K forwards (K = channels of the target layer), shown as "+K".
    /// </summary>
    private static string ForwardEstimate(Plan plan)
    {
        long f = 1;
        int perChannel = 0;
        foreach (var m in plan.Methods)
        {
            f += 1;
            if (m.Id is "scorecam" or "ablationcam") perChannel++;
            foreach (var metric in plan.Metrics)
            {
                if (metric.Id is "deletion" or "insertion")
                {
                    int step = metric.Options.TryGetValue("step", out var s) && int.TryParse(s, out int v) && v > 0 ? v : 224;
                    f += (224 * 224 + step - 1) / step + 1;
                }
                else if (metric.Id is "average-drop" or "increase-in-confidence") f += 1;
            }
        }
        return perChannel == 0 ? f.ToString() : $"{f} + {perChannel}·K";
    }
}
