using GuidedCam.Harness.Config;
using GuidedCam.Harness.Models;
using GuidedCam.Harness.Running;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Harness.Models;

/// <summary>Token layers seen as maps: the layouts of pytorch-grad-cam's ViT and Swin reshape transforms, worked by hand.</summary>
public sealed class TokenReshapeTests
{
    public TokenReshapeTests() => TestSetup.Torch();

    [Fact]
    public void Vit_drops_the_class_token_and_lays_patches_out_row_major()
    {
        using var scope = torch.NewDisposeScope();
        // 1 sample, 1 class token + 4 patch tokens, 2 channels; token t has channel values (10t, 10t + 1).
        var tokens = (torch.arange(5, dtype: ScalarType.Float32).unsqueeze(1) * 10 + torch.tensor(new float[] { 0, 1 })).unsqueeze(0);
        var maps = new TokenReshape(TokenReshape.Vit).ToMaps(tokens, "l");
        Assert.Equal(new long[] { 1, 2, 2, 2 }, maps.shape);
        // Channel 0 over the 2×2 grid: patches 1..4 row-major → [[10, 20], [30, 40]]; channel 1 adds 1.
        Assert.Equal(new float[] { 10, 20, 30, 40, 11, 21, 31, 41 }, maps.contiguous().data<float>().ToArray());
        // Back to tokens with a batch of 3 copies: the class token is repeated, the patches come back in place.
        var back = new TokenReshape(TokenReshape.Vit).FromMaps(maps.expand(3, -1, -1, -1), tokens);
        Assert.Equal(new long[] { 3, 5, 2 }, back.shape);
        Assert.Equal(0, (back - tokens).abs().max().item<float>());
    }

    [Fact]
    public void Grid_is_given_or_square_and_mistakes_name_the_layer()
    {
        using var scope = torch.NewDisposeScope();
        var tokens = torch.zeros(1, 1 + 6, 4);
        Assert.Contains("grid: HxW", Assert.Throws<ArgumentException>(() => new TokenReshape(TokenReshape.Vit).ToMaps(tokens, "blk")).Message);
        Assert.Equal(new long[] { 1, 4, 2, 3 }, TokenReshape.Parse("vit", null, "2x3", "m").ToMaps(tokens, "blk").shape);
        Assert.Contains("blk", Assert.Throws<ArgumentException>(() => TokenReshape.Parse("vit", null, "3x3", "m").ToMaps(tokens, "blk")).Message);
        // No class token (cls-tokens 0): 4 tokens → 2×2.
        Assert.Equal(new long[] { 1, 4, 2, 2 }, TokenReshape.Parse("vit", "0", null, "m").ToMaps(torch.zeros(1, 4, 4), "blk").shape);
        Assert.Contains("'m.reshape'", Assert.Throws<ArgumentException>(() => TokenReshape.Parse("deit", null, null, "m")).Message);
    }

    [Fact]
    public void Swin_permutes_channels_last_to_first()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.arange(24, dtype: ScalarType.Float32).reshape(1, 2, 3, 4); // N×H×W×C
        var swin = new TokenReshape(TokenReshape.Swin);
        var maps = swin.ToMaps(x, "stage");
        Assert.Equal(new long[] { 1, 4, 2, 3 }, maps.shape);
        Assert.Equal(x[0, 1, 2, 3].item<float>(), maps[0, 3, 1, 2].item<float>());
        Assert.Equal(0, (swin.FromMaps(maps, x) - x).abs().max().item<float>());
        Assert.Throws<ArgumentException>(() => swin.ToMaps(torch.zeros(1, 5, 4), "stage"));
    }

    [Fact]
    public void Model_keys_need_reshape()
    {
        var entry = new ComponentEntry("onnx", "vit", new Dictionary<string, string> { ["grid"] = "14x14" }, 0);
        Assert.Contains("'vit.grid' needs `reshape: vit`", Assert.Throws<ArgumentException>(() => ModelEntry.ToSpec(entry)).Message);
        var ok = new ComponentEntry("onnx", "vit", new Dictionary<string, string> { ["reshape"] = "vit", ["cls-tokens"] = "2", ["grid"] = "7x28" }, 0);
        Assert.Equal(new TokenReshape("vit", 2, 7, 28), ModelEntry.ToSpec(ok).Reshape);
    }
}
