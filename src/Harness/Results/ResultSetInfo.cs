using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Results;

/// <summary>
/// One run recorded in a journal: the resolved config it ran, its hash, its protocol fingerprint, its
/// shard and its <see cref="View"/> (the cells it asked for). The report of a folder shows the view of
/// its latest run.
/// </summary>
public sealed record ResultSetInfo(
    long Id,
    string ConfigYaml,
    string ConfigHash,
    string ProtocolFingerprint,
    Shard? Shard,
    DateTimeOffset CreatedUtc,
    DateTimeOffset LastOpenedUtc)
{
    public RunView View { get; init; } = new(Array.Empty<ViewEntry>(), Array.Empty<ViewDataset>(), Array.Empty<ViewComponent>(), Array.Empty<ViewComponent>(), 0);
}
