namespace GuidedCam.Harness.Results;

/// <summary>A method or metric of a view: id, canonical options ("k=v;k=v") and the key its cells are filed under.</summary>
public sealed record ViewComponent(string Id, string Options, string Key);
