namespace GuidedCam.Harness.Results;

/// <summary>A model of a view: the name the config gives it and its identity key.</summary>
public sealed record ViewEntry(string Name, string Key);
