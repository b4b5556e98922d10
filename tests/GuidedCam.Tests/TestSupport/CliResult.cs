namespace GuidedCam.Tests.TestSupport;

/// <summary>How a <see cref="GuidedCamProcess"/> ended: its exit code and what it wrote.</summary>
public sealed record CliResult(int Exit, string Stdout, string Stderr)
{
    /// <summary>Exit code and both streams, for assertion messages.</summary>
    public string Text => $"exit {Exit}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
