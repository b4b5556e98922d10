using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Datasets;

public class SyntheticDatasetTests
{
    [Fact]
    public void Same_seed_gives_identical_items_and_another_split_or_seed_differs()
    {
        var a = new SyntheticDataset("a", 5, seed: 7).Generate(3);
        var b = new SyntheticDataset("b", 5, seed: 7).Generate(3);
        Assert.Equal(a.Rgb, b.Rgb);
        Assert.Equal(a.ClassIndex, b.ClassIndex);
        Assert.Equal(a.Box, b.Box);
        var c = new SyntheticDataset("c", 5, seed: 8).Generate(3);
        var d = new SyntheticDataset("d", 5, seed: 7, split: "train").Generate(3);
        Assert.NotEqual(a.Rgb, c.Rgb);
        Assert.NotEqual(a.Rgb, d.Rgb);
    }

    [Fact]
    public void Box_is_the_tight_bounding_box_of_the_mask_and_the_object_is_drawn_there()
    {
        var ds = new SyntheticDataset("s", 50, seed: 0);
        var seen = new HashSet<int>();
        for (int i = 0; i < 50; i++)
        {
            var s = ds.Generate(i);
            seen.Add(s.ClassIndex);
            int size = ds.ImageSize;
            var cols = Enumerable.Range(0, size * size).Where(p => s.Mask[p]).Select(p => p % size).ToArray();
            var rows = Enumerable.Range(0, size * size).Where(p => s.Mask[p]).Select(p => p / size).ToArray();
            Assert.NotEmpty(cols);
            // Box convention (Box doc): pixel-edge coordinates, X2 exclusive — so X2 = max column + 1.
            Assert.Equal(cols.Min(), s.Box.X1);
            Assert.Equal(cols.Max() + 1, s.Box.X2);
            Assert.Equal(rows.Min(), s.Box.Y1);
            Assert.Equal(rows.Max() + 1, s.Box.Y2);
            // Object size is drawn between 0.09 and 0.19 of the image as half-extent: at least ~6 px across.
            Assert.InRange(s.Box.Width, 5, size * 0.4 + 1);
            Assert.All(s.Rgb, v => Assert.InRange(v, 0f, 1f));
        }
        Assert.Equal(6, seen.Count); // 50 draws over 6 classes: P(missing one) < 6·(5/6)^50 ≈ 1e-3; seed 0 covers all
    }

    [Fact]
    public void Load_normalises_and_keeps_annotations()
    {
        var ds = new SyntheticDataset("s", 3, seed: 0);
        var item = ds.Load(ds.ItemIds[1], SyntheticDataset.DefaultPreprocessing);
        var raw = ds.Generate(1);
        Assert.Equal(3 * 64 * 64, item.Input.Length);
        Assert.Equal((raw.Rgb[100] - 0.5f) / 0.25f, item.Input[100], 6);
        Assert.Single(item.Objects);
        Assert.Equal(raw.Box, item.Objects[0].Box);
        Assert.True(item.Geometry.IsIdentity);
        Assert.Throws<ItemLoadException>(() => ds.Load("train-000001", SyntheticDataset.DefaultPreprocessing));
    }
}
