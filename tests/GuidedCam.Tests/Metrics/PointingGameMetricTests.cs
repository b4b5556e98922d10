using GuidedCam.Core;
using GuidedCam.Metrics;
using static GuidedCam.Tests.TestSupport.MetricFixtures;

namespace GuidedCam.Tests.Metrics;

/// <summary>Pointing game: tolerance edges, VOC difficult rule, masks, per-class mean, and the map → original mapping.</summary>
public class PointingGameMetricTests
{
    private const int Size = 40;

    /// <summary>A 40×40 identity-geometry unit whose map is 0 except 1 at (row 20, column 20).</summary>
    private static (EvaluationUnit Unit, float[] Map) HotCentre(string id, IReadOnlyList<ObjectAnnotation> objects, int datasetClass)
    {
        var map = new float[Size * Size];
        map[20 * Size + 20] = 1;
        var item = Item(id, Size, Size, new float[Size * Size], objects);
        return (Unit(item, datasetClass, datasetClass), map);
    }

    private static IReadOnlyList<MetricValue> Run(IMetric metric, params (EvaluationUnit Unit, float[] Map)[] cases)
    {
        TestSetup.Torch();
        return metric.Evaluate(Batch(NullModel(Size, Size), cases.Select(c => c.Unit).ToArray(), cases.Select(c => c.Map).ToArray()));
    }

    [Fact]
    public void Tolerance_distance_below_15_hits_and_exactly_15_misses()
    {
        // Point (20, 20). Region pixels: (col 30, row 31) at √(10² + 11²) = √221 ≈ 14.87 → hit;
        // (col 29, row 32) at √(9² + 12²) = 15.0 → miss; (col 34, row 20) at 14 → hit; (col 35, row 20) at 15 → miss.
        var values = Run(new PointingGameMetric(),
            HotCentre("d14.87", new[] { new ObjectAnnotation(0, PixelBox(30, 31)) }, 0),
            HotCentre("d15.0", new[] { new ObjectAnnotation(0, PixelBox(29, 32)) }, 0),
            HotCentre("d14", new[] { new ObjectAnnotation(0, PixelBox(34, 20)) }, 0),
            HotCentre("d15", new[] { new ObjectAnnotation(0, PixelBox(35, 20)) }, 0));
        Assert.Equal(new[] { 100.0, 0.0, 100.0, 0.0 }, values.Select(v => v.Value));
        // A wider tolerance turns the 15.0 case into a hit.
        var wide = Run(new PointingGameMetric(new Dictionary<string, string> { ["tolerance"] = "15.5" }),
            HotCentre("d15.0", new[] { new ObjectAnnotation(0, PixelBox(29, 32)) }, 0));
        Assert.Equal(100.0, wide.Single().Value);
    }

    [Fact]
    public void Difficult_only_class_is_skipped_and_difficult_boxes_otherwise_count_as_region()
    {
        var objects = new[]
        {
            new ObjectAnnotation(3, PixelBox(21, 21), Difficult: true),  // class 3: only difficult → skipped
            new ObjectAnnotation(4, PixelBox(22, 20), Difficult: true),  // class 4: a difficult box near the point …
            new ObjectAnnotation(4, PixelBox(0, 0)),                     // … and a normal one far away
        };
        var values = Run(new PointingGameMetric(), HotCentre("voc", objects, 3), HotCentre("voc", objects, 4));
        var only = Assert.Single(values); // class 3 produced no value at all
        Assert.Equal(4, only.DatasetClass);
        Assert.Equal(100.0, only.Value); // hit through the difficult box of class 4 (distance 2)
    }

    [Fact]
    public void Instance_mask_replaces_the_box_when_present()
    {
        // The box contains the point, but the mask has a single pixel at distance 19 (column 39, row 20): miss.
        var farMask = new bool[Size * Size];
        farMask[20 * Size + 39] = true;
        var nearMask = new bool[Size * Size];
        nearMask[25 * Size + 25] = true; // distance √50 ≈ 7.07: hit, though its box is far away
        var values = Run(new PointingGameMetric(),
            HotCentre("far", new[] { new ObjectAnnotation(1, new Box(10, 10, 30, 30)) { Mask = farMask } }, 1),
            HotCentre("near", new[] { new ObjectAnnotation(1, PixelBox(0, 0)) { Mask = nearMask } }, 1));
        Assert.Equal(new[] { 0.0, 100.0 }, values.Select(v => v.Value));
    }

    [Fact]
    public void Accumulator_headline_is_the_mean_over_classes_and_extra_has_the_item_mean()
    {
        // Class 0: hit, hit, miss (66.67 %); class 1: miss (0 %). Per-class mean 33.33 %, item mean 50 %.
        var values = new[]
        {
            new MetricValue("a", 0, 0, 100), new MetricValue("b", 0, 0, 100), new MetricValue("c", 0, 0, 0), new MetricValue("d", 1, 1, 0),
        };
        var acc = new PointingGameMetric().CreateAccumulator();
        acc.Update(values.Take(2));
        acc.Update(values.Skip(2));
        var s = acc.Summary();
        Assert.Equal(100.0 / 3, s.Mean, 9);
        Assert.Equal(50.0, s.Extra["item-mean"], 9);
        Assert.Equal(200.0 / 3, s.Extra["class-0"], 9);
        Assert.Equal(2, s.Extra["classes"]);
        Assert.Equal(4, s.Count);
        // Sample std (ddof = 1) of {100, 100, 0, 0}: √(4·50²/3) ≈ 57.735.
        Assert.Equal(Math.Sqrt(4 * 2500.0 / 3), s.Std, 9);
    }

    [Fact]
    public void OriginalFrame_undoes_crop_and_resize()
    {
        TestSetup.Torch();
        // Original 20×20 → resized 40×40 → crop at (x 10, y 6), 16×16. Hot input pixel (row 3, col 5) is
        // resized-frame (row 9, col 15); a ×½ bilinear (half-pixel centres) averages 2×2 blocks, so it
        // lands on original (row 4, col 7) with weight ¼, and nowhere else.
        var g = new PreprocessGeometry(20, 20, 40, 40, 10, 6, 16, 16);
        var map = new float[16 * 16];
        map[3 * 16 + 5] = 1;
        using var t = TorchSharp.torch.tensor(map, new long[] { 16, 16 });
        float[] original = OriginalFrame.ToOriginal(t, g);
        Assert.Equal(400, original.Length);
        Assert.Equal(4 * 20 + 7, OriginalFrame.ArgMax(original));
        Assert.Equal(0.25, original[4 * 20 + 7], 6);
        Assert.Equal(0.25, original.Sum(v => (double)v), 6);
    }

    [Fact]
    public void OriginalFrame_upscale_tie_goes_to_the_first_pixel_in_row_major_order()
    {
        TestSetup.Torch();
        // 4×4 → 8×8 (×2). Hot (1, 1): outputs rows/cols 2 and 3 sample source 0.75 and 1.25, both with
        // weight 0.75 on index 1 → four equal maxima 0.5625; the point is the first, (row 2, col 2).
        var map = new float[16];
        map[1 * 4 + 1] = 1;
        using var t = TorchSharp.torch.tensor(map, new long[] { 4, 4 });
        float[] original = OriginalFrame.ToOriginal(t, new PreprocessGeometry(8, 8, 4, 4, 0, 0, 4, 4));
        Assert.Equal(2 * 8 + 2, OriginalFrame.ArgMax(original));
        Assert.Equal(0.5625, original[2 * 8 + 3], 6);
    }

    [Fact]
    public void Pointing_game_tolerance_is_in_original_pixels_through_the_geometry()
    {
        TestSetup.Torch();
        // Original 30×20 resized ×2 to 60×40, same crop as above: the point is original (row 4, col 7).
        // A box at column 7 + 14 hits, at 7 + 15 misses (distances in original pixels).
        var g = new PreprocessGeometry(30, 20, 60, 40, 10, 6, 16, 16);
        var map = new float[16 * 16];
        map[3 * 16 + 5] = 1;
        DatasetItem Make(string id, int column) => Item(id, 16, 16, new float[256], new[] { new ObjectAnnotation(0, PixelBox(column, 4)) }, g);
        var units = new[] { Unit(Make("hit", 21), 0, 0), Unit(Make("miss", 22), 0, 0) };
        var values = new PointingGameMetric().Evaluate(Batch(NullModel(16, 16), units, new[] { map, map }));
        Assert.Equal(new[] { 100.0, 0.0 }, values.Select(v => v.Value));
    }

    [Fact]
    public void All_zero_map_is_counted_and_flagged()
    {
        // Point = first pixel (0, 0); the region pixel (col 3, row 4) is at distance 5 → hit, flagged.
        var item = Item("z", Size, Size, new float[Size * Size], new[] { new ObjectAnnotation(0, PixelBox(3, 4)) });
        var v = Run(new PointingGameMetric(), (Unit(item, 0, 0), new float[Size * Size])).Single();
        Assert.Equal(100.0, v.Value);
        Assert.True(v.Flagged);
    }

    [Fact]
    public void Unit_without_dataset_class_is_a_clear_error()
    {
        var item = Item("p", Size, Size, new float[Size * Size], new[] { new ObjectAnnotation(0, PixelBox(3, 4)) });
        var e = Assert.Throws<ArgumentException>(() => Run(new PointingGameMetric(), (Unit(item, 0), new float[Size * Size])));
        Assert.Contains("'p'", e.Message);
    }
}
