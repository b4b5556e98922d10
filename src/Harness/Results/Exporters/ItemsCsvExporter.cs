using System.Globalization;
using CsvHelper;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>items.csv: one row per journal record (the per-unit values behind every table cell).</summary>
public sealed class ItemsCsvExporter() : ReportFileExporter(FileName)
{
    public const string FileName = "items.csv";

    protected override void Write(RunResults results, string path)
    {
        using (var w = CsvWriter.ToFile(path))
        {
            w.WriteRecord(new[] { "model", "dataset", "item", "target", "dataset_class", "method", "method_options", "metric", "metric_options", "value", "flagged" });
            foreach (var r in results.Records)
                w.WriteRecord(new[]
                {
                    SpreadsheetSafe.Text(r.Model), SpreadsheetSafe.Text(r.Dataset), SpreadsheetSafe.Text(r.ItemId), r.Target.ToString(CultureInfo.InvariantCulture),
                    r.DatasetClass?.ToString(CultureInfo.InvariantCulture) ?? "",
                    SpreadsheetSafe.Text(r.Method), SpreadsheetSafe.Text(r.MethodOptions), SpreadsheetSafe.Text(r.Metric), SpreadsheetSafe.Text(r.MetricOptions),
                    CsvNumbers.Format(r.Value), r.Flagged ? "true" : "false",
                });
        }
    }
}
