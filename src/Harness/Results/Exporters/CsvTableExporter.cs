using CsvHelper;

namespace GuidedCam.Harness.Results.Exporters;

/// <summary>A CSV file of the report: a header and rows of cells (text through <see cref="SpreadsheetSafe"/>, numbers through <see cref="CsvNumbers"/>).</summary>
public abstract class CsvTableExporter(string fileName) : ReportFileExporter(fileName)
{
    protected abstract IReadOnlyList<string> Header { get; }

    protected abstract IEnumerable<string[]> Rows(RunResults results);

    protected override void Write(RunResults results, string path)
    {
        using var w = CsvWriter.ToFile(path);
        w.WriteRecord(Header.ToArray());
        foreach (var row in Rows(results))
        {
            if (row.Length != Header.Count) throw new InvalidOperationException($"{Name}: a row has {row.Length} cells, the header {Header.Count}");
            w.WriteRecord(row);
        }
    }

    protected static string T(string text) => SpreadsheetSafe.Text(text);
    protected static string N(double value) => CsvNumbers.Format(value);
    protected static string I(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    protected static string B(bool value) => value ? "true" : "false";
}
