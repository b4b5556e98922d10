namespace GuidedCam.Harness.Results;

/// <summary>A dataset of a view: its name, identity key and the config's ordered item selection (before sharding).</summary>
public sealed record ViewDataset(string Name, string Key, IReadOnlyList<string> Items);
