namespace GuidedCam.Harness.Cli;

/// <summary>The arguments of `guidedcam score` (see <see cref="ScoreCommand"/>).</summary>
public sealed record ScoreRequest
{
    public required string Model { get; init; }
    public string? Weights { get; init; }
    public string? Layer { get; init; }
    public required string Input { get; init; }
    public required string Map { get; init; }
    public required string Target { get; init; }
    public required string Metrics { get; init; }
    public string? Boxes { get; init; }
    public required string Out { get; init; }
    public int Seed { get; init; }
    public int BatchSize { get; init; } = 16;
}
