using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// A model that sees every input with the same additive Gaussian noise field ε (σ, seeded per input shape):
/// the input perturbation of a <see cref="ModelPerturbation"/>. The field is drawn once per C×H×W and
/// broadcast over the batch, so a sample's logits do not depend on the batch it is in.
/// </summary>
public sealed class InputNoiseClassifier(IClassifier inner, double sigma, int seed) : ClassifierView(inner)
{
    private readonly Dictionary<string, Tensor> _fields = new(StringComparer.Ordinal);

    public override Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        using var noisy = input + Field(input);
        return Inner.Forward(noisy, taps);
    }

    private Tensor Field(Tensor input)
    {
        var shape = input.shape.Skip(1).ToArray();
        string key = string.Join('x', shape);
        lock (_fields)
        {
            if (!_fields.TryGetValue(key, out var field))
            {
                var z = ModelNoise.Normals((int)shape.Aggregate(1L, (a, b) => a * b), seed, "input|" + key);
                field = tensor(z.Select(v => (float)(sigma * v)).ToArray(), shape, ScalarType.Float32, device: input.device).DetachFromDisposeScope();
                _fields[key] = field;
            }
            return field;
        }
    }

    public override void Dispose()
    {
        foreach (var f in _fields.Values) f.Dispose();
        _fields.Clear();
        Inner.Dispose();
    }
}
