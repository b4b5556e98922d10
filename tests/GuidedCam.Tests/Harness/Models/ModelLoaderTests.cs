using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Models.Onnx;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models;

/// <summary>ModelSpec → LoadedModel: dispatch by arch, defaults, the Builtins extension point and its errors.</summary>
public sealed class ModelLoaderTests
{
    public ModelLoaderTests() => TestSetup.Torch();

    [Fact]
    public void Onnx_spec_gets_imagenet_defaults_and_the_known_target_layer()
    {
        var loaded = ModelLoader.Load(new ModelSpec { Name = "squeezenet1.1", Arch = "onnx", Onnx = SharedPaths.SqueezeNetOnnx }, torch.CPU);
        using var model = loaded.Model;
        Assert.IsType<OnnxClassifier>(model);
        Assert.Equal("squeezenet1.1", model.Name);
        // models/squeezenet1.1/README.md: 1000 ImageNet classes, resize 256 + crop 224, target squeezenet0_concat7.
        Assert.Equal(1000, model.NumClasses);
        Assert.Equal("imagenet1k", loaded.LabelSpace);
        Assert.Equal(Preprocessing.ImageNet224, loaded.Preprocessing);
        Assert.Equal("squeezenet0_concat7", model.DefaultTargetLayer);
    }

    [Fact]
    public void Spec_overrides_layer_label_space_and_preprocessing()
    {
        var pre = new Preprocessing { ResizeWidth = 227, ResizeHeight = 227 };
        var loaded = ModelLoader.Load(new ModelSpec
        {
            Name = "sq", Arch = "onnx", Onnx = SharedPaths.SqueezeNetOnnx, Layer = "squeezenet0_relu25_fwd", LabelSpace = "custom", Preprocessing = pre,
        }, torch.CPU);
        using var model = loaded.Model;
        Assert.Equal("squeezenet0_relu25_fwd", model.DefaultTargetLayer);
        Assert.Equal("custom", loaded.LabelSpace);
        Assert.Equal("custom", model.LabelSpace);
        Assert.Same(pre, loaded.Preprocessing);
    }

    [Fact]
    public void Unknown_arch_lists_the_allowed_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelLoader.Load(new ModelSpec { Name = "m", Arch = "densenet121" }, torch.CPU));
        Assert.Contains("'densenet121'", e.Message);
        foreach (var arch in new[] { "vgg16", "vgg19_bn", "resnet18", "resnet152", "alexnet", "googlenet", "inception_v3", "mobilenet_v2", "mobilenet_v3_large", "onnx" })
            Assert.Contains(arch, e.Message);
    }

    [Fact]
    public void Onnx_errors_name_the_key_or_the_path()
    {
        Assert.Contains("`onnx`", Assert.Throws<ArgumentException>(() => ModelLoader.Load(new ModelSpec { Name = "m", Arch = "onnx" }, torch.CPU)).Message);
        string missing = Path.Combine(Path.GetTempPath(), "guidedcam-no-such-model.onnx");
        Assert.Contains(missing, Assert.Throws<FileNotFoundException>(() => ModelLoader.Load(new ModelSpec { Name = "m", Arch = "onnx", Onnx = missing }, torch.CPU)).Message);
        var bad = Assert.Throws<ArgumentException>(() => ModelLoader.Load(new ModelSpec { Name = "m", Arch = "onnx", Onnx = SharedPaths.SqueezeNetOnnx, Layer = "features.12" }, torch.CPU));
        Assert.Contains("squeezenet0_conv0", bad.Message); // lists the valid tensor names (the first 60 of 65)
        Assert.Contains("`weights`", Assert.Throws<ArgumentException>(() => ModelLoader.Load(new ModelSpec { Name = "m", Arch = "resnet18", Onnx = "x.onnx" }, torch.CPU)).Message);
    }

    [Fact]
    public void Builtins_extension_point_takes_precedence_and_is_listed()
    {
        const string arch = "test-builtin";
        ModelSpec? seen = null;
        ModelLoader.Builtins[arch] = (spec, device) =>
        {
            seen = spec;
            var net = nn.Sequential(("conv", nn.Conv2d(3, 2, 3)), ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()));
            return new LoadedModel(new ModuleClassifier(spec.Name, net, 2, "synthetic6", "conv", device), new Preprocessing(), "synthetic6");
        };
        try
        {
            Assert.Contains(arch, ModelLoader.Architectures);
            var loaded = ModelLoader.Load(new ModelSpec { Name = "tiny", Arch = arch }, torch.CPU);
            using var model = loaded.Model;
            Assert.Equal("tiny", seen?.Name);
            Assert.Equal("conv", model.DefaultTargetLayer);
        }
        finally
        {
            ModelLoader.Builtins.Remove(arch);
        }
    }
}
