using GuidedCam.Core;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Models.Onnx;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models;

/// <summary>
/// Randomised copies for the model-parameter randomisation test: layers listed output → input, chosen
/// layers re-drawn with PyTorch's defaults (U(±1/√fan_in) for conv/linear, 1/0 for norm layers), seeded,
/// everything else and the trained model untouched.
/// </summary>
public sealed class RandomizedCopyTests(SqueezeNetOnnxFixture fixture) : IClassFixture<SqueezeNetOnnxFixture>
{
    private static Tensor DogInput() => TensorAssert.Npy(Path.Combine(SharedPaths.Require("golden", "squeezenet1.1-dog"), "input.npy"));

    [Fact]
    public void Onnx_layers_run_from_the_classifier_convolution_to_the_first()
    {
        IRandomizableClassifier m = fixture.Model;
        // models/squeezenet1.1/README.md: 26 convolutions, no batch norm; conv25 is the 1000-class 1×1 classifier.
        Assert.Equal(26, m.ParameterizedLayers.Count);
        Assert.Equal("squeezenet0_conv25_fwd", m.ParameterizedLayers[0]);
        Assert.Equal("squeezenet0_conv0_fwd", m.ParameterizedLayers[^1]);
        // SqueezeNet 1.1 has 1,235,496 parameters (torchvision docs).
        Assert.Equal(1_235_496, m.ParameterCount);
    }

    [Fact]
    public void Onnx_copy_is_seeded_bounded_and_leaves_the_trained_model_alone()
    {
        using var scope = torch.NewDisposeScope();
        var x = DogInput();
        using var noGrad = torch.no_grad();
        var before = fixture.Model.Forward(x);
        using (var a = fixture.Model.Randomized([0], seed: 7))
        using (var b = fixture.Model.Randomized([0], seed: 7))
        using (var c = fixture.Model.Randomized([0], seed: 8))
        {
            var la = a.Forward(x);
            Assert.Equal(0.0, (la - b.Forward(x)).abs().max().item<float>());
            Assert.True((la - c.Forward(x)).abs().max().item<float>() > 1e-3, "another seed gave the same copy");
            Assert.True((la - before).abs().max().item<float>() > 1e-3, "randomising the classifier convolution left the logits as they were");
            // conv25's weight is 1000×512×1×1: fan_in 512, so its drawn bias lies in ±1/√512 (PyTorch's Conv2d default).
            var bias = a.BiasLayers().Single(l => l.Layer == "squeezenet0_conv25_fwd").Bias;
            var trainedBias = fixture.Model.BiasLayers().Single(l => l.Layer == "squeezenet0_conv25_fwd").Bias;
            Assert.True(bias.abs().max().item<float>() <= 1 / Math.Sqrt(512));
            Assert.True((bias - trainedBias).abs().max().item<float>() > 1e-3);
        }
        // The copies shared every other initialiser with the trained model; disposing them must not touch it.
        Assert.Equal(0.0, (fixture.Model.Forward(x) - before).abs().max().item<float>());
    }

    [Fact]
    public void Onnx_cascade_of_every_layer_changes_the_first_layer_too()
    {
        using var scope = torch.NewDisposeScope();
        var x = DogInput();
        using var noGrad = torch.no_grad();
        var all = Enumerable.Range(0, 26).ToArray();
        using var a = fixture.Model.Randomized(all, 0);
        using var b = fixture.Model.Randomized(all[..25], 0);
        // Layer i's draw depends only on (seed, i): the two copies differ only in conv0, so their logits differ.
        Assert.True((a.Forward(x) - b.Forward(x)).abs().max().item<float>() > 0);
    }

    [Fact]
    public void TorchVision_copy_redraws_linear_and_resets_batch_norm()
    {
        TestSetup.Torch();
        using var scope = torch.NewDisposeScope();
        using var trained = (RandomizableModuleClassifier)TorchVisionModels.Create("resnet18", null, torch.CPU, seed: 0);
        Assert.Equal("fc", trained.ParameterizedLayers[0]);
        Assert.Equal("layer4.1.bn2", trained.ParameterizedLayers[1]);
        Assert.Equal("conv1", trained.ParameterizedLayers[^1]);
        var state = torch.random.get_rng_state();
        using var copy = (ModuleClassifier)trained.Randomized([0, 1], seed: 3);
        // Building the copy must not move the global generator (it runs resnet18's own init).
        var after = torch.rand(5);
        torch.random.set_rng_state(state);
        Assert.Equal(0f, (after - torch.rand(5)).abs().max().item<float>());

        var fc = (Linear)copy.Module.named_modules().First(t => t.name == "fc").module;
        var trainedFc = (Linear)trained.Module.named_modules().First(t => t.name == "fc").module;
        // fc is 1000×512: PyTorch's Linear default is U(±1/√512) for weight and bias.
        double bound = 1 / Math.Sqrt(512);
        Assert.True(fc.weight!.abs().max().item<float>() <= bound);
        Assert.True(fc.bias!.abs().max().item<float>() <= bound);
        Assert.True((fc.weight - trainedFc.weight!).abs().max().item<float>() > 0);
        var bn = (BatchNorm2d)copy.Module.named_modules().First(t => t.name == "layer4.1.bn2").module;
        Assert.Equal(1f, bn.weight!.min().item<float>());
        Assert.Equal(0f, bn.bias!.abs().max().item<float>());
        Assert.Equal(0f, bn.running_mean!.abs().max().item<float>());
        Assert.Equal(1f, bn.running_var!.min().item<float>());
        // Untouched layers carry the trained values.
        var conv1 = (Conv2d)copy.Module.named_modules().First(t => t.name == "conv1").module;
        var trainedConv1 = (Conv2d)trained.Module.named_modules().First(t => t.name == "conv1").module;
        Assert.Equal(0f, (conv1.weight - trainedConv1.weight).abs().max().item<float>());
        Assert.True(trainedFc.weight!.abs().max().item<float>() <= bound, "resnet18 without weights is itself default-initialised");
    }
}
