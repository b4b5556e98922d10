namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// Writes one artifact of a report from the result model (BenchmarkDotNet's IExporter): exporters
/// never compute results and never read the journal themselves.
/// </summary>
public interface IExporter
{
    /// <summary>Short name for logs, e.g. "summary.csv".</summary>
    string Name { get; }

    /// <summary>Writes the artifact(s) under <paramref name="reportDir"/>; returns the files written.</summary>
    IReadOnlyList<string> Export(RunResults results, string reportDir);
}
