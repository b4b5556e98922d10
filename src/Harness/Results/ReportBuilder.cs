using GuidedCam.Harness.Results.Exporters;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results;

/// <summary>
/// `guidedcam report`: rebuilds every artifact of a run folder from its journal and saved maps alone
/// (no model, no dataset needed), into the run folder itself (figures in <c>figures/</c>). Exporters run in a fixed order and the
/// HTML page comes last, embedding the figures the others wrote.
/// </summary>
public static class ReportBuilder
{
    /// <summary>The exporters of a report, in order (the HTML page is added after them).</summary>
    public static IReadOnlyList<IExporter> DefaultExporters() => new IExporter[]
    {
        new ItemsCsvExporter(),
        new SummaryCsvExporter(),
        new MarkdownExporter(),
        new BarChartExporter(),
        new CurveExporter(),
        new QualitativeGridExporter(),
    };

    /// <summary>Builds the report; returns every file written (report.html last).</summary>
    public static IReadOnlyList<string> Build(string runDir, IIntervalEstimator? intervals = null, MetricCatalog? metrics = null)
    {
        var results = RunResults.Load(runDir, intervals, metrics: metrics);
        string reportDir = RunLayout.ReportDir(results.RunDir);
        // Figures of an earlier report could belong to methods or metrics no longer in the journal.
        string figures = RunLayout.FiguresDir(results.RunDir);
        if (Directory.Exists(figures))
            foreach (string old in Directory.EnumerateFiles(figures, "*.png")) File.Delete(old);
        var files = new List<string>();
        foreach (var exporter in DefaultExporters())
            files.AddRange(exporter.Export(results, reportDir));
        files.AddRange(new HtmlReportExporter(files.ToList()).Export(results, reportDir));
        return files;
    }
}
