namespace GuidedCam.Harness.Models;

/// <summary>
/// A perturbed copy of a model (`perturb: {weights: σ, input: σ, seed: n, test: …}` in its entry), the
/// model perturbation of MetaQuantus (Hedström et al., TMLR 2023, §4: multiplicative N(1, σ) noise on the
/// weights; additive N(0, σ) noise on the input). <see cref="Test"/> says which of MetaQuantus' tests the
/// copy serves (resilience or adversary); empty: decided by the report from the σ of the copies.
/// </summary>
public sealed record ModelPerturbation(double Weights, double Input, int Seed, string Test)
{
    public static IReadOnlyList<string> Tests { get; } = ["resilience", "adversary"];

    /// <summary>The perturbation as the model's identity records it (so the copy's cells live beside the original's).</summary>
    public string Describe() => FormattableString.Invariant($"weights={Weights:R};input={Input:R};seed={Seed}");
}
