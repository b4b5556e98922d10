using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Results;

namespace GuidedCam.Harness.Running;

/// <summary>One model × dataset of a plan: the loaded model and opened dataset, their identities, this shard's items, the probe and the counts.</summary>
public sealed class PlannedStage
{
    public required RunModel Model { get; init; }
    public required string Layer { get; init; }
    public required ComponentIdentity ModelId { get; init; }
    public required ComponentEntry DatasetEntry { get; init; }
    public required IDataset Dataset { get; init; }
    public required ComponentIdentity DatasetId { get; init; }
    /// <summary>The dataset's ordered items (the config's selection, before sharding).</summary>
    public required IReadOnlyList<string> Ordered { get; init; }
    /// <summary>The items this run evaluates (its shard of <see cref="Ordered"/>).</summary>
    public required IReadOnlyList<string> Ids { get; init; }
    public required PlanCell Probe { get; init; }
    public required StageState State { get; init; }
    public required StageCounts Counts { get; init; }
    public string Name => $"{Model.Name} × {Dataset.Name}";
}
