using static TorchSharp.torch;

namespace GuidedCam.Harness.Models.Onnx;

/// <summary>The graph's learnable weights and biases, for <see cref="ModelNoise"/> (batch-norm running statistics are not learnable).</summary>
public sealed partial class OnnxClassifier
{
    /// <summary>Every weight and bias initialiser of the parameterised layers, by tensor name, each once.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> LearnableInitializers() =>
        ParameterizedNodes().SelectMany(Roles).Where(r => r.Role is "weight" or "bias").Select(r => r.Name).Distinct(StringComparer.Ordinal)
            .Select(name => (name, _constants[name]));
}
