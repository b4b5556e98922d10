using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// A <see cref="ModuleClassifier"/> that knows how to build its architecture again, so it can make
/// randomised copies for the model-parameter randomisation test: a fresh module from
/// <c>architecture</c>, the trained parameters and buffers copied in, then the chosen layers re-drawn
/// with PyTorch's defaults (<see cref="DefaultInitialization"/>). A layer is a module without children
/// that owns parameters; they are listed in reverse depth-first registration order (PyTorch's
/// named_modules order, which Quantus reverses the same way; for TorchVision and the built-in CNN that
/// is output → input).
/// Each copy holds a full set of parameters: callers keep as few alive as memory allows.
/// </summary>
public class RandomizableModuleClassifier : ModuleClassifier, IRandomizableClassifier
{
    private readonly Func<nn.Module<Tensor, Tensor>> _architecture;
    private readonly string[] _layers;

    /// <param name="architecture">Builds the same architecture (any weights: they are overwritten).</param>
    public RandomizableModuleClassifier(string name, Func<nn.Module<Tensor, Tensor>> architecture, nn.Module<Tensor, Tensor> module, int numClasses,
        string labelSpace, string defaultTargetLayer, Device? device = null)
        : base(name, module, numClasses, labelSpace, defaultTargetLayer, device)
    {
        _architecture = architecture;
        _layers = PreOrder(module, "")
            .Where(t => !t.module.children().Any() && t.module.named_parameters(recurse: false).Any())
            .Select(t => t.name).Reverse().ToArray();
        ParameterCount = module.parameters().Sum(p => p.numel());
    }

    public IReadOnlyList<string> ParameterizedLayers => _layers;
    public long ParameterCount { get; }

    public IClassifier Randomized(IReadOnlyList<int> layers, int seed)
    {
        foreach (int i in layers)
            if (i < 0 || i >= _layers.Length) throw new ArgumentOutOfRangeException(nameof(layers), $"model '{Name}' has {_layers.Length} parameterised layers; there is no layer {i}");
        // Building a module runs its own initialisation on the global generator: keep the global stream
        // as it was, so making a copy never changes what anything else draws.
        using var rngState = torch.random.get_rng_state();
        nn.Module<Tensor, Tensor> copy;
        using (var scope = torch.NewDisposeScope())
        {
            copy = _architecture();
            try
            {
                using (torch.no_grad())
                {
                    var trained = Module.state_dict();
                    foreach (var (key, target) in copy.state_dict())
                    {
                        if (!trained.TryGetValue(key, out var source))
                            throw new InvalidOperationException($"model '{Name}': the rebuilt architecture has '{key}', which the trained model lacks");
                        target.copy_(source);
                    }
                }
                var modules = copy.named_modules().ToDictionary(t => t.name, t => t.module);
                foreach (int i in layers)
                    Reinitialize(modules[_layers[i]], seed, i);
                // The copy must outlive whatever dispose scope the caller is in (a runner batch).
                foreach (var p in copy.parameters()) p.DetachFromDisposeScope();
                foreach (var b in copy.buffers()) b.DetachFromDisposeScope();
            }
            catch
            {
                copy.Dispose();
                throw;
            }
            finally
            {
                torch.random.set_rng_state(rngState);
            }
        }
        string suffix = $"randomised[{string.Join(",", layers)}]@{seed}";
        return new ModuleClassifier($"{Name} {suffix}", copy, NumClasses, LabelSpace, DefaultTargetLayer, Device);
    }

    /// <summary>
    /// Submodules depth first in registration order, as PyTorch's named_modules (TorchSharp's lists all
    /// children before any grandchild, which would put resnet's fc before its layer4).
    /// </summary>
    private static IEnumerable<(string name, nn.Module module)> PreOrder(nn.Module module, string prefix)
    {
        foreach (var (name, child) in module.named_children())
        {
            string path = prefix.Length == 0 ? name : prefix + "." + name;
            yield return (path, child);
            foreach (var sub in PreOrder(child, path)) yield return sub;
        }
    }

    private static void Reinitialize(nn.Module layer, int seed, int index)
    {
        bool normalization = layer.GetType().Name.Contains("Norm", StringComparison.Ordinal);
        var own = layer.named_parameters(recurse: false).Select(t => (t.name, (Tensor)t.parameter)).ToList();
        if (normalization)
            own.AddRange(layer.named_buffers(recurse: false).Where(t => t.name is "running_mean" or "running_var").Select(t => (t.name, t.buffer)));
        var weight = own.FirstOrDefault(t => t.Item1 == "weight").Item2;
        long fanIn = DefaultInitialization.FanIn(weight?.shape ?? own[0].Item2.shape);
        DefaultInitialization.Apply(own, normalization, fanIn, seed, index);
    }
}
