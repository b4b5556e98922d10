namespace GuidedCam.Harness.Results.Exporters;

/// <summary>
/// An exporter that draws figures into the report's figures/ folder: the folder and the list of files
/// written (figures/ of the report folder, <see cref="RunLayout.FiguresDir"/>) are handled here once; the exporter draws each figure and yields its path.
/// </summary>
public abstract class FigureExporter : IExporter
{
    public abstract string Name { get; }

    public IReadOnlyList<string> Export(RunResults results, string reportDir)
    {
        string dir = RunLayout.FiguresDir(reportDir);
        Directory.CreateDirectory(dir);
        return Draw(results, dir).ToList();
    }

    /// <summary>Draws the figures into <paramref name="figuresDir"/>, yielding each file once it is written.</summary>
    protected abstract IEnumerable<string> Draw(RunResults results, string figuresDir);
}
