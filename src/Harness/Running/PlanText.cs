using System.Globalization;

namespace GuidedCam.Harness.Running;

/// <summary>The plan as text lines, the same for `validate`, the console of `run` and run.log.</summary>
public static class PlanText
{
    public static IEnumerable<string> Lines(RunPlan plan)
    {
        yield return $"plan: {plan.Stages.Count} model × dataset, {plan.Methods.Count} methods, {plan.Metrics.Count} metrics" +
            (plan.Shard.Count > 1 ? $", shard {plan.Shard}" : "");
        foreach (var s in plan.Stages)
        {
            var c = s.Counts;
            string ge = c.CellsAtLeast ? "≥ " : "";
            yield return $"  {s.Name}: {c.Items} items ({c.Skipped} skipped), cells wanted {ge}{N(c.CellsWanted)}, present {N(c.CellsPresent)}, to compute {ge}{N(c.CellsToCompute)}; " +
                $"maps to compute {ge}{N(c.MapsToCompute)} of {ge}{N(c.MapsWanted)}; items to load {N(c.ItemsToLoad)}; " +
                $"estimated image forwards {ge}{N(c.Forwards)}, backwards {ge}{N(c.Backwards)}";
        }
        bool atLeast = plan.Stages.Any(s => s.Counts.CellsAtLeast);
        yield return $"total: {(atLeast ? "≥ " : "")}{N(plan.CellsToCompute)} cells to compute, {(atLeast ? "≥ " : "")}{N(plan.MapsToCompute)} maps to compute";
    }

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}
