namespace GuidedCam.Harness.Results;

/// <summary>
/// A perturbed copy of a model (MetaQuantus, Hedström et al. TMLR 2023): the identity key of the model it
/// was made from, the σ of the multiplicative N(1, σ) noise on every weight and of the additive N(0, σ)
/// noise on the input, the seed, and the test it serves ("resilience": a small perturbation that should not
/// change the rankings, "adversary": a disruptive one that should; empty when the config did not say).
/// </summary>
public sealed record ViewPerturbation(string BaseKey, double Weights, double Input, int Seed, string Test);
