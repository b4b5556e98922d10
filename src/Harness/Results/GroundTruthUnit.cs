namespace GuidedCam.Harness.Results;

/// <summary>One ground-truth class present in an item and the model class it is explained as.</summary>
public sealed record GroundTruthUnit(int DatasetClass, long Target);
