using GuidedCam.Core;

namespace GuidedCam.Metrics;

/// <summary>The `step` and `batch-size` options Deletion and Insertion share, and their parsing.</summary>
public static class CausalOptions
{
    public const string StepKey = "step";
    public const string BatchSizeKey = "batch-size";
    /// <summary>The default of `step`: as many pixels per step as the input is wide (224 for 224×224, RISE's setting).</summary>
    public const string InputWidth = "input-width";

    public static IReadOnlyList<OptionSpec> Shared { get; } = new[]
    {
        new OptionSpec(StepKey, InputWidth, "pixels changed per step: a whole number ≥ 1, or input-width (224 for a 224×224 input)"),
        new OptionSpec(BatchSizeKey, "64", "network inputs per forward pass, across steps and items (does not change the values)"),
    };

    /// <summary>Validates `step` at construction so a bad config fails before any image is read.</summary>
    public static int? ParseStep(string owner, IReadOnlyDictionary<string, string> options)
    {
        string v = options[StepKey];
        if (v == InputWidth) return null;
        if (OptionResolver.TryParseWholeNumber(v, 1, out int step)) return step;
        throw OptionResolver.Error(StepKey, $"'{owner}.{StepKey}' must be a whole number ≥ 1 or '{InputWidth}', not '{v}'");
    }

    /// <summary>
    /// One forward per curve point: n = ⌈H·W / step⌉ steps give n + 1 points (the start image included),
    /// with step = the input width when `step` is input-width.
    /// </summary>
    public static MetricCost CostOf(int? step, int inputHeight, int inputWidth)
        => new(new PassCost(CausalCurve.StepCount(inputHeight * inputWidth, Math.Max(1, step ?? inputWidth)) + 1, 0));
}
