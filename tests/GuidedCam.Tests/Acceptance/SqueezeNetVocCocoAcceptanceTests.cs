using GuidedCam.Harness.Config;
using Xunit.Abstractions;

namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// End to end on the multi-label mini sets: configs/squeezenet-voc-mini.yaml and
/// configs/squeezenet-coco-mini.yaml validate, and Grad-CAM + pointing game with SqueezeNet through the
/// shipped label maps (voc20→imagenet1k, coco80→imagenet1k) completes and reports the unmapped classes.
/// Units are (image, class present) pairs (docs/spec/metrics.md "Which class"); counts below are from the
/// annotation files and datasets/labelmaps/*.tsv.
/// </summary>
public class SqueezeNetVocCocoAcceptanceTests(ITestOutputHelper output)
{
    private static string GradCamOnly(string file) =>
        AcceptanceRun.ShippedConfig(file)
            .Replace("methods: [gradcam, guidedcam, random]", "methods: [gradcam]")
            .Replace("metrics: [pointing-game, energy-pointing-game, loc-gt-known]", "metrics: [pointing-game]")
            .Replace("qualitative: 5", "qualitative: 0");

    [Theory]
    [InlineData("squeezenet-voc-mini.yaml", 5)]
    [InlineData("squeezenet-coco-mini.yaml", 10)]
    public void Shipped_config_validates(string file, int images)
    {
        TestSetup.Torch();
        var plan = ConfigValidator.Validate(ConfigLoader.Parse(AcceptanceRun.ShippedConfig(file), file));
        Assert.Equal(images, Assert.Single(plan.Cells).Items); // 5 VOC val photos, 10 COCO val2014 photos (../shared/datasets/README.md)
        Assert.Equal(3, plan.Methods.Count);
        Assert.Equal(3, plan.Metrics.Count);
    }

    [Fact]
    public void VOC_run_maps_every_class()
    {
        var run = new AcceptanceRun(GradCamOnly("squeezenet-voc-mini.yaml"));
        double pg = run.Mean("gradcam", "pointing-game");
        output.WriteLine($"VOC: {run.Elapsed.TotalSeconds:F1} s, {run.Count("gradcam", "pointing-game")} pointing-game values, mean {pg:F1} %; log:\n{string.Join('\n', run.Log)}");
        Assert.Equal(5, run.Stats.ItemsComputed);
        Assert.Equal(0, run.Stats.ItemsSkipped);
        // All 20 VOC classes map into ImageNet (person → ballplayer, groom, scuba diver by WordNet hyponymy),
        // so the runner logs no unmapped class.
        Assert.DoesNotContain(run.Log, l => l.Contains("have no model class"));
        // (image, class) pairs: dog photo {dog, bicycle, car, motorbike} 4, eagle {bird} 1, horses {horse} 1,
        // kite {person} 1, person {person, dog, horse} 3 = 10; the dog photo's motorbike is its only object
        // of that class and `difficult`, so the pointing game skips it (docs/spec/metrics.md: only-difficult classes
        // are not counted) → 9 values. (The kite photo's difficult person is one of ten persons: counted.)
        Assert.Equal(9, run.Count("gradcam", "pointing-game"));
        Assert.InRange(pg, 0, 100);
    }

    [Fact]
    public void COCO_run_skips_giraffe_and_kite()
    {
        var run = new AcceptanceRun(GradCamOnly("squeezenet-coco-mini.yaml"));
        double pg = run.Mean("gradcam", "pointing-game");
        output.WriteLine($"COCO: {run.Elapsed.TotalSeconds:F1} s, {run.Count("gradcam", "pointing-game")} pointing-game values, mean {pg:F1} %; log:\n{string.Join('\n', run.Log)}");
        Assert.Equal(10, run.Stats.ItemsComputed);
        Assert.Equal(0, run.Stats.ItemsSkipped);
        // coco80-imagenet1k.tsv leaves 17 COCO classes unmapped; of those, the mini set holds giraffe
        // (darknet_giraffe) and kite (darknet_kite; ImageNet's 21 "kite" is the bird): 2 units skipped.
        var line = Assert.Single(run.Log, l => l.Contains("have no model class"));
        Assert.Contains("2 dataset classes", line);
        Assert.Contains("(2 units)", line);
        Assert.Contains("giraffe", line);
        Assert.Contains("kite", line);
        // (image, class) pairs: 4 COCO photos {person} 4, dog photo 4, eagle 1, giraffe {giraffe, zebra} 2,
        // horses 1, kite {person, kite} 2, person {person, dog, horse} 3 = 17, minus the 2 unmapped = 15.
        Assert.Equal(15, run.Count("gradcam", "pointing-game"));
        Assert.DoesNotContain(run.Records, r => r.DatasetClass is int c && (c == 23 || c == 33)); // giraffe, kite (0-based COCO order, labelmap)
        Assert.InRange(pg, 0, 100);
    }
}
