using GuidedCam.Methods;
using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models;

public class BuiltinModelTests
{
    [Fact]
    public void Shipped_weights_reach_at_least_95_percent_on_held_out_images()
    {
        TestSetup.Torch();
        using var model = BuiltinModel.Load();
        var val = new SyntheticDataset("val", 500, seed: 0, split: "val");
        var (x, y) = SyntheticTrainer.Materialize(val, SyntheticDataset.DefaultPreprocessing);
        double acc = SyntheticTrainer.Accuracy(model.Module, x, y, 100);
        // The built-in model must reach ≥ 95 % held out; the shipped file measured 99.8 % on 1,000 val images (models/builtin/README.md).
        Assert.True(acc >= 0.95, $"held-out accuracy {acc:P2}");
        // Parameter count by hand: convs 3·16·9 + 16·32·9 + 32·64·9 + 64·64·9 = 60,336; BN γ,β 2·(16+32+64+64) = 352; linear 64·6 + 6 = 390.
        Assert.Equal(61078, model.Module.parameters().Sum(p => p.numel()));
    }

    [Fact]
    public void Captured_gradient_is_the_analytic_one_for_global_pooling_then_linear()
    {
        TestSetup.Torch();
        using var model = BuiltinModel.Load();
        using var scope = torch.NewDisposeScope();
        var ds = new SyntheticDataset("s", 2, seed: 0);
        var items = ds.ItemIds.Select(id => ds.Load(id, SyntheticDataset.DefaultPreprocessing)).ToArray();
        var x = torch.tensor(items.SelectMany(i => i.Input).ToArray(), new long[] { 2, 3, 64, 64 });
        var cap = LayerCapture.Capture(model, x, new long[] { 2, 5 }, SyntheticCnn.DefaultLayer, withGradients: true);
        Assert.Equal(new long[] { 2, 64, 16, 16 }, cap.Activations.shape);
        // logit_c = Σ_k W[c,k] · mean_ij A_kij + b_c, so ∂logit_c/∂A_kij = W[c,k] / (16·16) at every position.
        var w = model.Module.named_parameters().Single(p => p.name == "classifier.weight").parameter;
        var expected0 = (w[2] / 256f).reshape(64, 1, 1).expand(64, 16, 16);
        var expected1 = (w[5] / 256f).reshape(64, 1, 1).expand(64, 16, 16);
        Assert.True(cap.Gradients![0].allclose(expected0, rtol: 1e-5, atol: 1e-9));
        Assert.True(cap.Gradients![1].allclose(expected1, rtol: 1e-5, atol: 1e-9));
        // Logits from the capture equal a plain forward.
        using var noGrad = torch.no_grad();
        Assert.True(cap.Logits.allclose(model.Forward(x), rtol: 1e-5, atol: 1e-5));
    }

    [Fact]
    public void Unknown_layer_is_a_clear_error_listing_valid_names()
    {
        TestSetup.Torch();
        using var model = BuiltinModel.Load();
        using var x = torch.zeros(1, 3, 64, 64);
        var e = Assert.Throws<ArgumentException>(() => LayerCapture.Capture(model, x, new long[] { 0 }, "features.99", true));
        Assert.Contains("features.99", e.Message);
        Assert.Contains("features.13", e.Message);
    }

    [Fact]
    public void Memory_stays_flat_over_1000_captured_items()
    {
        TestSetup.Torch();
        using var model = BuiltinModel.Load();
        var ds = new SyntheticDataset("s", 1, seed: 0);
        var input = ds.Load(ds.ItemIds[0], SyntheticDataset.DefaultPreprocessing).Input;
        long rssAfterWarmup = 0;
        for (int i = 0; i < 1000; i++)
        {
            using var scope = torch.NewDisposeScope();
            var x = torch.tensor(input, new long[] { 1, 3, 64, 64 });
            var cap = LayerCapture.Capture(model, x, new long[] { i % 6 }, SyntheticCnn.DefaultLayer, true);
            _ = cap.Gradients!.sum().item<float>();
            if (i == 199) rssAfterWarmup = CurrentRss();
        }
        long growth = CurrentRss() - rssAfterWarmup;
        // Without dispose scopes RSS grew ~4.6 MiB per iteration on resnet18 (docs/torchsharp.md); here the
        // per-iteration tensors are ~70 KB, so a leak over 800 iterations would exceed 50 MB. Allocator caching
        // after warm-up stays well below that.
        Assert.True(growth < 50L * 1024 * 1024, $"RSS grew {growth / 1048576.0:F1} MiB over 800 iterations");
    }

    private static long CurrentRss()
    {
        using var p = System.Diagnostics.Process.GetCurrentProcess();
        p.Refresh();
        return p.WorkingSet64;
    }
}
