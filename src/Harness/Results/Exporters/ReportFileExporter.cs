namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// An exporter that writes one file at the top of the report folder (items.csv, summary.csv,
/// results.md, report.html): the folder, the path and the list of files written are handled here once;
/// the exporter says only what goes into the file.
/// </summary>
public abstract class ReportFileExporter(string fileName) : IExporter
{
    public string Name => fileName;

    public IReadOnlyList<string> Export(RunResults results, string reportDir)
    {
        Directory.CreateDirectory(reportDir);
        string path = Path.Combine(reportDir, fileName);
        Write(results, path);
        return [path];
    }

    /// <summary>Writes the file at <paramref name="path"/> (in the report folder), replacing an earlier report's.</summary>
    protected abstract void Write(RunResults results, string path);
}
