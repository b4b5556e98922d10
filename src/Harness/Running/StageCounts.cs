namespace GuidedCam.Harness.Running;

/// <summary>
/// The plan of one model × dataset against what the store holds. Cells of items whose clean forward is
/// not stored yet are counted with one ground-truth unit per item (the true count needs that forward):
/// <see cref="CellsAtLeast"/> then says the wanted and to-compute counts are lower bounds.
/// </summary>
public sealed record StageCounts(
    int Items,
    int ItemsToLoad,
    int Skipped,
    long CellsWanted,
    long CellsPresent,
    bool CellsAtLeast,
    long MapsWanted,
    long MapsToCompute,
    long Forwards,
    long Backwards)
{
    public long CellsToCompute => CellsWanted - CellsPresent;
}
