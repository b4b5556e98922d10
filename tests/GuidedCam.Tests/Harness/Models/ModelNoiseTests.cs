using GuidedCam.Core;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Running;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models;

/// <summary>`perturb:` makes a perturbed copy of a model: the noise is what the entry says, seeded, and the copy is another identity.</summary>
public sealed class ModelNoiseTests : IDisposable
{
    public void Dispose() => EngineFixtures.CleanUp();

    private static ComponentEntry Entry(Dictionary<string, string> perturb)
    {
        var options = new Dictionary<string, string>(perturb.Select(kv => KeyValuePair.Create("perturb." + kv.Key, kv.Value)));
        return new ComponentEntry(BuiltinModel.Arch, "copy", options, 1);
    }

    private static float[] Weights(IClassifier model) =>
        ((ModuleClassifier)model).Module.parameters().SelectMany(p => p.data<float>().ToArray()).ToArray();

    [Fact]
    public void Weight_noise_multiplies_every_parameter_by_its_seeded_normal_draw()
    {
        using var original = BuiltinModel.Load();
        using var copy = ModelEntry.Open(Entry(new() { ["weights"] = "0.05", ["seed"] = "3" }), torch.CPU);
        using var again = ModelEntry.Open(Entry(new() { ["weights"] = "0.05", ["seed"] = "3" }), torch.CPU);
        using var other = ModelEntry.Open(Entry(new() { ["weights"] = "0.05", ["seed"] = "4" }), torch.CPU);
        var w0 = Weights(original);
        var w1 = Weights(copy.Classifier);
        Assert.Equal(w1, Weights(again.Classifier));       // same seed, same copy
        Assert.NotEqual(w1, Weights(other.Classifier));    // another seed, another copy
        // The ratio w'/w is 1 + σz with z standard normal: over the built-in model's parameters its mean is ≈ 1
        // and its standard deviation ≈ σ = 0.05 (tolerances: a few standard errors for this many draws).
        var ratios = w0.Zip(w1).Where(p => Math.Abs(p.First) > 1e-3).Select(p => (double)p.Second / p.First).ToArray();
        double mean = ratios.Average(), sd = Math.Sqrt(ratios.Select(r => (r - mean) * (r - mean)).Sum() / (ratios.Length - 1));
        Assert.InRange(mean, 0.99, 1.01);
        Assert.InRange(sd, 0.045, 0.055);
        // The first parameter's first value, by ModelNoise.Normals' own stream (the draw the loader must have used).
        var name = ((ModuleClassifier)original).Module.named_parameters().First().name;
        double z = ModelNoise.Normals(1, 3, "weights|" + name)[0];
        Assert.Equal((float)(w0[0] * (1 + 0.05 * z)), w1[0]);
    }

    [Fact]
    public void Input_noise_is_one_fixed_field_so_a_sample_does_not_depend_on_its_batch()
    {
        using var model = ModelEntry.Open(Entry(new() { ["input"] = "0.5", ["seed"] = "1" }), torch.CPU);
        using var clean = BuiltinModel.Load();
        using var scope = torch.NewDisposeScope();
        var gen = new Generator(5);
        var batch = torch.randn(new long[] { 3, 3, 64, 64 }, generator: gen);
        using var _ = torch.no_grad();
        var together = model.Classifier.Forward(batch);
        var alone = model.Classifier.Forward(batch[1..2]);
        // Equal up to libtorch's own batch-size rounding (the clean model's batch-3 and batch-1 logits differ in the
        // last bits too); a noise field drawn per batch would move them by the noise itself.
        float cleanGap = (clean.Forward(batch)[1] - clean.Forward(batch[1..2])[0]).abs().max().item<float>();
        float gap = (together[1] - alone[0]).abs().max().item<float>();
        Assert.InRange(gap, 0, Math.Max(1e-5f, 10 * cleanGap));
        Assert.False(torch.allclose(together, clean.Forward(batch)), "input noise of σ = 0.5 changes the logits");
    }

    [Fact]
    public void A_perturbed_copy_has_its_own_identity_that_names_the_perturbation_and_the_original()
    {
        using var original = ModelEntry.Open(new ComponentEntry(BuiltinModel.Arch, "base", new Dictionary<string, string>(), 1), torch.CPU);
        using var copy = ModelEntry.Open(Entry(new() { ["weights"] = "0.01", ["seed"] = "2", ["test"] = "resilience" }), torch.CPU);
        var baseId = Identities.Model(original, original.Layer);
        var copyId = Identities.Model(copy, copy.Layer);
        Assert.NotEqual(baseId.Key, copyId.Key);
        Assert.Contains("perturb=weights=0.01;input=0;seed=2", copyId.Description);
        Assert.DoesNotContain("perturb", baseId.Description);
        var p = Identities.Perturbation(copy, copy.Layer)!;
        Assert.Equal(baseId.Key, p.BaseKey); // the original's key, under its own name or another
        Assert.Equal((0.01, 0.0, 2, "resilience"), (p.Weights, p.Input, p.Seed, p.Test));
        Assert.Null(Identities.Perturbation(original, original.Layer));
    }

    [Fact]
    public void Bad_perturbations_are_errors_naming_the_key_and_its_line()
    {
        const string text = """
            name: t
            models:
              - arch: builtin
                perturb: {weights: -1, seed: 1}
              - arch: builtin
                name: b
                perturb: {input: 0.1, test: sideways}
            datasets: [{kind: synthetic, count: 4}]
            methods: [gradcam]
            metrics: [average-drop]
            reference: scorecam
            post-hoc: tukey
            """;
        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(ConfigLoader.Parse(text, "t.yaml")));
        Assert.Contains(e.Errors, m => m.StartsWith("t.yaml:12:", StringComparison.Ordinal) && m.Contains("post-hoc"));
        var cfg = ConfigLoader.Parse(text.Replace("post-hoc: tukey", "post-hoc: nemenyi"), "t.yaml");
        Assert.Equal("-1", cfg.Models[0].Get("perturb.weights")); // the nested mapping became dotted keys, each with its line
        Assert.Equal(4, cfg.Models[0].LineOf("perturb.weights"));
        var v = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(cfg));
        Assert.Contains(v.Errors, m => m.StartsWith("t.yaml:4:", StringComparison.Ordinal) && m.Contains("perturb.weights") && m.Contains("≥ 0"));
        Assert.Contains(v.Errors, m => m.StartsWith("t.yaml:7:", StringComparison.Ordinal) && m.Contains("perturb.test"));
        Assert.Contains(v.Errors, m => m.StartsWith("t.yaml:11:", StringComparison.Ordinal) && m.Contains("reference") && m.Contains("scorecam"));
    }
}
