using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// One (model, dataset, method, metric) cell of summary.csv. <see cref="Mean"/>, <see cref="Std"/>,
/// <see cref="Count"/> and <see cref="Flagged"/> come from the metric's accumulator; the interval is
/// the seeded bootstrap. The Diff* fields compare with the reference method (gradcam) on the units
/// both evaluated; they are NaN for the reference itself and when it is absent.
/// </summary>
public sealed record SummaryRow(
    string Model,
    string Dataset,
    string Method,
    string MethodOptions,
    string Metric,
    string MetricOptions,
    double Mean,
    double Std,
    int Count,
    double CiLow,
    double CiHigh,
    int Flagged,
    ScoreDirection Direction,
    double DiffVsReference,
    double DiffCiLow,
    double DiffCiHigh)
{
    public IReadOnlyDictionary<string, double> Extra { get; init; } = new Dictionary<string, double>();
}
