namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// reliability.csv: MetaQuantus' scores of each metric on each model that has perturbed copies in the view
/// (<see cref="MetricReliability"/>): IAC and IEC of the resilience (NR) and adversary (AR) tests, the items each
/// test used, and MC, their mean. Only the header when the view has no perturbed copies.
/// </summary>
public sealed class ReliabilityCsvExporter() : CsvTableExporter(FileName)
{
    public const string FileName = "reliability.csv";

    protected override IReadOnlyList<string> Header { get; } =
    [
        "model", "dataset", "metric", "metric_options", "methods", "resilience_copies", "resilience_items", "adversary_copies", "adversary_items",
        "iac_nr", "iac_ar", "iec_nr", "iec_ar", "mc",
    ];

    protected override IEnumerable<string[]> Rows(RunResults results) =>
        results.Reliability.Select(r => new[]
        {
            T(r.Model), T(r.Dataset), T(r.Metric), T(r.MetricOptions), I(r.Methods), I(r.ResilienceCopies), I(r.ResilienceItems), I(r.AdversaryCopies), I(r.AdversaryItems),
            N(r.IacNr), N(r.IacAr), N(r.IecNr), N(r.IecAr), N(r.MC),
        });
}
