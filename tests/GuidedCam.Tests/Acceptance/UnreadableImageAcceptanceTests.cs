
namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// docs/spec/datasets.md: an unreadable image is skipped, logged with its id, and the run continues —
/// end to end through the real runner, on a copy of the shared VOC mini set with one JPEG truncated.
/// </summary>
public sealed class UnreadableImageAcceptanceTests
{
    [Fact]
    public void Truncated_JPEG_is_skipped_with_its_id_and_the_other_images_are_computed()
    {
        using var temp = TempDir.CopyOf(SharedPaths.Require("datasets", "voc2012-mini"));
        string root = temp.Folder;
        string jpeg = Path.Combine(root, "VOCdevkit", "VOC2012", "JPEGImages", "darknet_kite.jpg");
        var bytes = File.ReadAllBytes(jpeg);
        File.WriteAllBytes(jpeg, bytes[..(bytes.Length / 2)]); // cut in half: no end-of-image marker
        var run = new AcceptanceRun($"""
            name: skip
            seed: 0
            batch-size: 8
            qualitative: 0
            models: [{"{"}arch: onnx, onnx: {SharedPaths.SqueezeNetOnnx}{"}"}]
            datasets: [{"{"}kind: voc, root: {root}, split: val{"}"}]
            methods: [gradcam]
            metrics: [pointing-game]
            """);
        // The mini set has 5 images (shared/datasets/README.md); one is unreadable, four are computed.
        var skip = Assert.Single(run.Skips);
        Assert.Equal("darknet_kite", skip.ItemId);
        Assert.Equal(1, run.Stats.ItemsSkipped);
        Assert.Equal(4, run.Stats.ItemsComputed);
        Assert.Contains(run.Log, l => l.Contains("skipped") && l.Contains("darknet_kite"));
        Assert.DoesNotContain(run.Records, r => r.ItemId == "darknet_kite");
        Assert.Equal(4, run.Records.Select(r => r.ItemId).Distinct().Count());
    }
}
