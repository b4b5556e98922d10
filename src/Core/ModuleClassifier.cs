using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// Wraps a TorchSharp module. Taps are forward hooks on named submodules (they fire only through
/// module.call, never forward — docs/torchsharp.md), installed for one forward and removed after.
/// </summary>
public class ModuleClassifier : ClassifierBase, IClassifier
{
    private readonly nn.Module<Tensor, Tensor> _module;
    private readonly Dictionary<string, nn.Module> _layers;

    public ModuleClassifier(string name, nn.Module<Tensor, Tensor> module, int numClasses, string labelSpace, string defaultTargetLayer, Device? device = null)
    {
        Name = name;
        _module = module;
        NumClasses = numClasses;
        LabelSpace = labelSpace;
        DefaultTargetLayer = defaultTargetLayer;
        Device = device ?? torch.CPU;
        _module.to(Device);
        _module.eval();
        foreach (var p in _module.parameters()) p.requires_grad = false;
        _layers = _module.named_modules().Where(t => t.name.Length > 0).ToDictionary(t => t.name, t => t.module);
        LayerNames = _module.named_modules().Where(t => t.name.Length > 0).Select(t => t.name).ToArray();
        this.RequireLayer(defaultTargetLayer);
    }

    public nn.Module<Tensor, Tensor> Module => _module;

    public Tensor Forward(Tensor input, IReadOnlyList<LayerTap>? taps = null)
    {
        var removers = new List<Action>();
        try
        {
            if (taps != null)
            {
                foreach (var tap in taps)
                {
                    this.RequireLayer(tap.Layer);
                    if (_layers[tap.Layer] is not nn.Module<Tensor, Tensor> m)
                        throw new ArgumentException($"layer '{tap.Layer}' of model '{Name}' is not a tensor-to-tensor module and cannot be tapped");
                    var t = tap;
                    var remover = m.register_forward_hook((_, _, output) => t.OnOutput(output) ?? output);
                    removers.Add(remover.remove);
                }
            }
            using var scope = torch.NewDisposeScope();
            var logits = _module.call(input);
            return scope.MoveToOuter(logits);
        }
        finally
        {
            foreach (var r in removers) r();
        }
    }

    public IReadOnlyList<BiasLayer> BiasLayers()
    {
        var result = new List<BiasLayer>();
        using var noGrad = torch.no_grad();
        foreach (var (name, m) in _module.named_modules())
        {
            switch (m)
            {
                case Conv2d conv when conv.bias is not null:
                    result.Add(new BiasLayer(name, conv.bias.detach().clone()));
                    break;
                case BatchNorm2d bn when bn.running_mean is not null && bn.running_var is not null:
                    {
                        // b = β − μ·γ/√(σ² + ε) (pytorch-grad-cam FullGrad, get_bias_data)
                        var gamma = bn.weight is null ? torch.ones_like(bn.running_mean) : bn.weight.detach();
                        var beta = bn.bias is null ? torch.zeros_like(bn.running_mean) : bn.bias.detach();
                        var b = beta - bn.running_mean * gamma / torch.sqrt(bn.running_var + bn.eps);
                        result.Add(new BiasLayer(name, b.clone()));
                        break;
                    }
            }
        }
        return result;
    }

    public void Dispose()
    {
        _module.Dispose();
        GC.SuppressFinalize(this);
    }
}
