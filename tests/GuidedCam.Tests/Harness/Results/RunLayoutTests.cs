using GuidedCam.Harness.Results;

namespace GuidedCam.Tests.Harness.Results;

public class RunLayoutTests
{
    [Fact]
    public void Safe_names_keep_plain_ids_and_separate_rewritten_ones()
    {
        Assert.Equal("2007_000032", RunLayout.SafeName("2007_000032"));
        Assert.Equal("n01440764_10026.JPEG", RunLayout.SafeName("n01440764_10026.JPEG"));
        string a = RunLayout.SafeName("val/a:b"), b = RunLayout.SafeName("val_a_b");
        Assert.StartsWith("val_a_b-", a);         // '/' and ':' replaced, hash suffix added
        Assert.NotEqual(a, b);                    // ... so it cannot collide with the id that was already plain
        Assert.DoesNotContain('/', RunLayout.SafeName(".."));
        Assert.NotEqual("..", RunLayout.SafeName(".."));
    }

    [Fact]
    public void Map_paths_are_per_model_dataset_item_and_method_options()
    {
        string p = RunLayout.MapFile("/runs/x", "resnet18", "voc", "2007_000032", "guidedcam", "guidance=relu;weights=gradcampp");
        Assert.Equal(Path.Combine("/runs/x", "maps", "resnet18", "voc", "2007_000032", "guidedcam~guidance=relu,weights=gradcampp.npy"), p);
        Assert.Equal(Path.Combine("/runs/x", "maps", "resnet18", "voc", "2007_000032", "gradcam.npy"), RunLayout.MapFile("/runs/x", "resnet18", "voc", "2007_000032", "gradcam"));
    }

    [Fact]
    public void Canonical_options_parse_back()
    {
        var options = new Dictionary<string, string> { ["tolerance"] = "15", ["target"] = "ground-truth" };
        string canonical = ResultRecord.CanonicalOptions(options);
        Assert.Equal("target=ground-truth;tolerance=15", canonical);
        Assert.Equal(options.OrderBy(kv => kv.Key), MetricInfo.ParseOptions(canonical).OrderBy(kv => kv.Key));
        Assert.Empty(MetricInfo.ParseOptions(""));
        Assert.Throws<FormatException>(() => MetricInfo.ParseOptions("novalue"));
    }
}
