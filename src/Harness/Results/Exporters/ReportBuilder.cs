using GuidedCam.Metrics;

namespace GuidedCam.Harness.Results.Exporters;

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
        new RanksCsvExporter(),
        new PairsCsvExporter(),
        new AgreementCsvExporter(),
        new SanityCsvExporter(),
        new ReliabilityCsvExporter(),
        new MarkdownExporter(),
        new LatexExporter(),
        new RankFigureExporter(),
        new BarChartExporter(),
        new CurveExporter(),
        new QualitativeGridExporter(),
    };

    /// <summary>
    /// Builds the report of the run folder's latest view, or of <paramref name="view"/> (another selection
    /// from the same journal) into <paramref name="reportDir"/> (default: the run folder itself); metric ids are looked up in <paramref name="metrics"/> (the built-in
    /// metrics when null). Returns every file written (report.html last).
    /// </summary>
    public static IReadOnlyList<string> Build(string runDir, IIntervalEstimator? intervals = null, RunView? view = null, string? reportDir = null, MetricCatalog? metrics = null) =>
        Build(runDir, out _, intervals, view, reportDir, metrics);

    /// <summary>
    /// <see cref="Build(string, IIntervalEstimator?, RunView?, string?, MetricCatalog?)"/>, handing back the
    /// results the report was built from, so a caller that shows them too (the console summary) does not
    /// load the journal and compute the bootstrap intervals a second time.
    /// </summary>
    public static IReadOnlyList<string> Build(string runDir, out RunResults results, IIntervalEstimator? intervals = null, RunView? view = null, string? reportDir = null, MetricCatalog? metrics = null)
    {
        // Reads the journal as a WAL reader (a run may be writing it) and writes only report files, into
        // the run folder or its views/<name>/; the report lock keeps two reports of one folder from interleaving.
        using var folder = RunFolder.LockForReport(runDir);
        var loaded = RunResults.Load(runDir, intervals, view: view, metrics: metrics);
        results = loaded;
        reportDir ??= results.RunDir;
        var files = new List<string>();
        foreach (var exporter in DefaultExporters())
            files.AddRange(RunFolder.Writing(Path.Combine(reportDir, exporter.Name), () => exporter.Export(loaded, reportDir)));
        var html = new HtmlReportExporter(files.ToList());
        files.AddRange(RunFolder.Writing(Path.Combine(reportDir, html.Name), () => html.Export(loaded, reportDir)));
        // Figures of an earlier report can belong to methods or metrics outside this view; only
        // files an earlier report listed in its manifest are removed, never anything else in the folder.
        RunFolder.RemoveStaleReportFiles(reportDir, files);
        RunFolder.WriteReportManifest(reportDir, files);
        return files;
    }
}
