namespace GuidedCam.Harness.Running;

/// <summary>
/// What a run did (counts only; the values are in the sink): items with work and items already
/// complete, skipped items, cells and maps computed, constant maps, and what the network was given —
/// images forwarded and backpropagated (a batch of 16 counts 16) and the time inside forwards.
/// </summary>
public sealed record RunStats(int ItemsComputed, int ItemsResumed, int ItemsSkipped, int Records, int ConstantMaps)
{
    public int MapsComputed { get; init; }
    public long ImagesForwarded { get; init; }
    public long ImagesBackward { get; init; }
    public TimeSpan ForwardTime { get; init; }
}
