using System.Globalization;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>Numbers in CSV files: invariant culture, round-trip precision, NaN as an empty field (pandas and R read it as missing).</summary>
public static class CsvNumbers
{
    public static string Format(double v) => double.IsNaN(v) ? "" : v.ToString("R", CultureInfo.InvariantCulture);
}
