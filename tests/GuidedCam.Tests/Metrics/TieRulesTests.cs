using GuidedCam.Core;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Tests.Metrics;

/// <summary>
/// Every tie is decided by a written rule (docs/spec/determinism.md "Ties"), never by float noise or a
/// library's kernel: constructed ties, each with the outcome the rule gives by hand.
/// </summary>
public sealed class TieRulesTests
{
    public TieRulesTests() => TestSetup.Torch();

    [Fact]
    public void Top1_of_equal_logits_is_the_lowest_class_index()
    {
        using var scope = torch.NewDisposeScope();
        // Row 0: all equal → 0. Row 1: maxima at 3, 500 and 999 → 3. Row 2: NaN first, then a tie at 7 and 8 → 7.
        var logits = torch.zeros(3, 1000);
        logits[1, 3] = 2f; logits[1, 500] = 2f; logits[1, 999] = 2f;
        logits[2, 0] = float.NaN; logits[2, 7] = 1f; logits[2, 8] = 1f;
        Assert.Equal(new long[] { 0, 3, 7 }, ClassifierExtensions.Top1(logits));
    }

    [Fact]
    public void Top1_compares_in_float32_the_precision_the_journal_keeps()
    {
        using var scope = torch.NewDisposeScope();
        // 1 and 1 + 1e-12 differ in float64 but are one float32 value: a tie, so class 0.
        var logits = torch.tensor(new double[] { 1.0, 1.0 + 1e-12 }, new long[] { 1, 2 });
        Assert.Equal(new long[] { 0 }, ClassifierExtensions.Top1(logits));
    }

    [Fact]
    public void Pointing_game_point_is_the_first_maximum_in_row_major_order()
    {
        // 3×3 map with the maximum at (0, 2), (1, 0) and (2, 2): row-major index 2 comes first.
        float[] map = [0, 0, 1, 1, 0.5f, 0, 0, 0, 1];
        Assert.Equal(2, OriginalFrame.ArgMax(map));
    }

    [Fact]
    public void Deletion_ranks_equal_saliency_by_ascending_flat_index()
    {
        // Values 0.5 at 0, 2, 3 and 1 at 1: rank 0 is pixel 1, then the tied pixels in index order 0, 2, 3.
        Assert.Equal(new[] { 1, 0, 2, 3 }, CausalCurve.Ranks([0.5f, 1f, 0.5f, 0.5f]));
        // A constant map keeps index order.
        Assert.Equal(new[] { 0, 1, 2, 3, 4 }, CausalCurve.Ranks([0.2f, 0.2f, 0.2f, 0.2f, 0.2f]));
    }

    [Fact]
    public void Road_removes_the_pixels_equal_to_the_percentile_threshold()
    {
        using var scope = torch.NewDisposeScope();
        // Map 0, 0.5, 0.5, 0.5, 1: numpy.percentile(map, 50) = 0.5 (linear interpolation between equal
        // values), so MoRF removes map ≥ 0.5 (four pixels) and keeps the strictly smaller one.
        float[] map = [0, 0.5f, 0.5f, 0.5f, 1];
        float morf = RoadCurves.Threshold(map, 50, leastRelevantFirst: false);
        Assert.Equal(0.5f, morf);
        // LeRF: 1 − map = 1, 0.5, 0.5, 0.5, 0 → threshold 0.5; removes 1 − map ≥ 0.5 (pixels 0..3).
        float lerf = RoadCurves.Threshold(map, 50, leastRelevantFirst: true);
        Assert.Equal(0.5f, lerf);
        var maps = torch.tensor(map.Concat(map).ToArray(), new long[] { 2, 1, 5 });
        var removed = RoadCurves.RemovedMask(maps, [morf, lerf], [false, true]).reshape(2, 5);
        Assert.Equal(new[] { false, true, true, true, true }, removed[0].data<bool>().ToArray());
        Assert.Equal(new[] { true, true, true, true, false }, removed[1].data<bool>().ToArray());
    }

    [Fact]
    public void Localization_foreground_is_strictly_above_the_cut_and_equal_components_go_to_the_first()
    {
        // 5×5, max 1, threshold 0.5: pixels exactly at 0.5 are background (cv2 THRESH_BINARY is strict).
        // Two components of 2 pixels each, at rows 0 and 4: the first in row-major order wins.
        float[] map =
        [
            1, 1, 0, 0, 0,
            0.5f, 0.5f, 0.5f, 0.5f, 0.5f,
            0, 0, 0, 0, 0,
            0, 0, 0, 0, 0,
            0, 0, 0, 1, 1,
        ];
        var box = LargestComponentBox.Find(map, 5, 5, 0.5);
        Assert.Equal(new Box(0, 0, 2, 1), box);
    }
}
