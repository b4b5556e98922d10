namespace GuidedCam.Harness.Results;

/// <summary>
/// A model of a view: the name the config gives it and its identity key; for a perturbed copy
/// (`perturb:` in its entry) also the perturbation and the key of the model it is a copy of.
/// </summary>
public sealed record ViewEntry(string Name, string Key)
{
    public ViewPerturbation? Perturbation { get; init; }
}
