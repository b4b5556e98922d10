using GuidedCam.Core;
using GuidedCam.Metrics;
using static GuidedCam.Tests.TestSupport.MetricFixtures;

namespace GuidedCam.Tests.Metrics;

/// <summary>Energy-based pointing game and the two localization metrics on hand-made maps (identity geometry).</summary>
public class RegionMetricTests
{
    private static IReadOnlyList<MetricValue> Run(IMetric metric, int size, IReadOnlyList<EvaluationUnit> units, IReadOnlyList<float[]> maps)
    {
        TestSetup.Torch();
        return metric.Evaluate(Batch(NullModel(size, size), units, maps));
    }

    [Fact]
    public void Energy_pointing_game_is_the_known_mass_inside_the_box()
    {
        // 4×4 map S = (1, 2, …, 16)/16 row-major; box [1,3)×[1,3) holds pixels 6, 7, 10, 11 → 34 of 136 = 25 %.
        var map = Enumerable.Range(1, 16).Select(v => v / 16f).ToArray();
        var item = Item("e", 4, 4, new float[16], new[] { new ObjectAnnotation(2, new Box(1, 1, 3, 3)) });
        var v = Run(new EnergyPointingGameMetric(), 4, new[] { Unit(item, 2, 2) }, new[] { map }).Single();
        Assert.Equal(25.0, v.Value, 4);
        Assert.False(v.Flagged);
    }

    [Fact]
    public void Energy_pointing_game_union_of_boxes_counts_overlap_once()
    {
        // Boxes [0,2)×[0,1) and [1,3)×[0,1) overlap at pixel 1; union = pixels 0, 1, 2 → (1+2+3)/136.
        var map = Enumerable.Range(1, 16).Select(v => v / 16f).ToArray();
        var item = Item("u", 4, 4, new float[16], new[] { new ObjectAnnotation(0, new Box(0, 0, 2, 1)), new ObjectAnnotation(0, new Box(1, 0, 3, 1)) });
        var v = Run(new EnergyPointingGameMetric(), 4, new[] { Unit(item, 0, 0) }, new[] { map }).Single();
        Assert.Equal(100.0 * 6 / 136, v.Value, 4);
    }

    [Fact]
    public void Energy_pointing_game_of_an_all_zero_map_is_zero_and_flagged_not_NaN()
    {
        var item = Item("z", 4, 4, new float[16], new[] { new ObjectAnnotation(0, new Box(1, 1, 3, 3)) });
        var v = Run(new EnergyPointingGameMetric(), 4, new[] { Unit(item, 0, 0) }, new[] { new float[16] }).Single();
        Assert.Equal(0.0, v.Value);
        Assert.True(v.Flagged);
    }

    /// <summary>
    /// 10×10 map with two components above 0.15 · max: A = (0,0), (0,1), (1,0) at 1.0 (3 px, box
    /// [0,2)×[0,2)) and B = the diagonal (4,4) … (9,9) at 0.5 (6 px, one component only with
    /// 8-connectivity, box [4,10)×[4,10)).
    /// </summary>
    private static float[] TwoComponents()
    {
        var map = new float[100];
        map[0] = map[1] = map[10] = 1;
        for (int i = 4; i < 10; i++) map[i * 10 + i] = 0.5f;
        return map;
    }

    private static EvaluationUnit LocUnit(string id, Box gt, long top1 = 0) =>
        Unit(Item(id, 10, 10, new float[100], new[] { new ObjectAnnotation(0, gt) }), 0, 0, top1);

    [Fact]
    public void Localization_picks_the_largest_8_connected_component()
    {
        var units = new[] { LocUnit("b", new Box(4, 4, 10, 10)), LocUnit("a", new Box(0, 0, 2, 2)) };
        var values = Run(new LocalizationGtKnownMetric(), 10, units, new[] { TwoComponents(), TwoComponents() });
        // B's box equals the first ground truth (IoU 1) and misses A's (IoU 0).
        Assert.Equal(new[] { 100.0, 0.0 }, values.Select(v => v.Value));
        Assert.Equal(new Box(4, 4, 10, 10), LargestComponentBox.Find(TwoComponents(), 10, 10, 0.15));
    }

    [Fact]
    public void Localization_threshold_is_strict_and_an_option()
    {
        // At threshold 0.5 the cut is 0.5 · 1.0 = 0.5 and B's pixels (exactly 0.5) are not above it: A wins.
        var units = new[] { LocUnit("b", new Box(4, 4, 10, 10)), LocUnit("a", new Box(0, 0, 2, 2)) };
        var values = Run(new LocalizationGtKnownMetric(new Dictionary<string, string> { ["threshold"] = "0.5" }), 10, units, new[] { TwoComponents(), TwoComponents() });
        Assert.Equal(new[] { 0.0, 100.0 }, values.Select(v => v.Value));
    }

    [Fact]
    public void Localization_IoU_must_reach_half()
    {
        // GT [4,10)×[4,7) (18 px) inside B's box (36 px): IoU 18/36 = 0.5 → hit; GT [4,10)×[4,6): 12/36 → miss.
        var units = new[] { LocUnit("half", new Box(4, 4, 10, 7)), LocUnit("third", new Box(4, 4, 10, 6)) };
        var values = Run(new LocalizationGtKnownMetric(), 10, units, new[] { TwoComponents(), TwoComponents() });
        Assert.Equal(new[] { 100.0, 0.0 }, values.Select(v => v.Value));
    }

    [Fact]
    public void Localization_top1_also_needs_the_top1_prediction()
    {
        var units = new[] { LocUnit("right", new Box(4, 4, 10, 10), top1: 0), LocUnit("wrong", new Box(4, 4, 10, 10), top1: 1) };
        var values = Run(new LocalizationTop1Metric(), 10, units, new[] { TwoComponents(), TwoComponents() });
        Assert.Equal(new[] { 100.0, 0.0 }, values.Select(v => v.Value));
    }

    [Fact]
    public void Localization_of_an_all_zero_map_is_a_flagged_miss_not_NaN()
    {
        var v = Run(new LocalizationGtKnownMetric(), 10, new[] { LocUnit("z", new Box(0, 0, 10, 10)) }, new[] { new float[100] }).Single();
        Assert.Equal(0.0, v.Value);
        Assert.True(v.Flagged);
    }
}
