using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Datasets;

public class DatasetLoaderTests
{
    [Fact]
    public void Builtins_open_each_kind_and_reject_unknown_ones()
    {
        Assert.True(DatasetLoader.Builtins.ContainsKey("imagenet") && DatasetLoader.Builtins.ContainsKey("COCO") && DatasetLoader.Builtins.ContainsKey("voc"));
        var voc = DatasetLoader.Open(new DatasetSpec { Name = "v", Kind = "VOC", Root = SharedPaths.Require("datasets", "voc2012-mini") });
        Assert.IsType<VocDataset>(voc);
        Assert.Equal("v", voc.Name);

        var unknown = Assert.Throws<ArgumentException>(() => DatasetLoader.Open(new DatasetSpec { Name = "x", Kind = "cifar", Root = "/nowhere" }));
        Assert.Contains("cifar", unknown.Message);
        Assert.Contains("imagenet", unknown.Message); // lists what is allowed
        Assert.Contains("limit", Assert.Throws<ArgumentException>(() => DatasetLoader.Open(new DatasetSpec { Name = "x", Kind = "voc", Root = "/nowhere", Limit = 0 })).Message);
        var noRoot = Assert.Throws<DatasetLayoutException>(() => DatasetLoader.Open(new DatasetSpec { Name = "x", Kind = "coco", Root = "/nowhere/at/all" }));
        Assert.Contains("/nowhere/at/all", noRoot.Message);
    }

    [Fact]
    public void Sample_is_a_seeded_subset_in_dataset_order()
    {
        var ids = Enumerable.Range(0, 100).Select(i => $"id{i:D3}").ToArray();
        var a = ItemSelection.Sample(ids, 10, 3);
        Assert.Equal(a, ItemSelection.Sample(ids, 10, 3));
        Assert.Equal(10, a.Distinct().Count());
        Assert.Equal(a.Order(StringComparer.Ordinal), a);
        // Uniformity sanity: over 2,000 seeds each id is drawn with probability 10/100, so about 200 times;
        // the binomial sd is √(2000·0.1·0.9) ≈ 13.4, and every count lies within ±6 sd (60) of 200.
        var counts = new int[100];
        for (int seed = 0; seed < 2000; seed++)
            foreach (string id in ItemSelection.Sample(ids, 10, seed)) counts[int.Parse(id[2..])]++;
        Assert.All(counts, c => Assert.InRange(c, 140, 260));
    }
}
