namespace GuidedCam.Harness.Results;

/// <summary>An item the run could not evaluate (unreadable image, …), recorded with its reason instead of stopping the run.</summary>
public sealed record SkippedItem(string Model, string Dataset, string ItemId, string Reason);
