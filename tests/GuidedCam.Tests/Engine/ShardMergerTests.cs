using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;

namespace GuidedCam.Tests.Engine;

public class ShardMergerTests : IDisposable
{
    public void Dispose() => EngineFixtures.CleanUp();

    [Fact]
    public void Merging_all_shards_equals_the_unsharded_run()
    {
        var items = EngineFixtures.ItemIds(30);
        string whole = EngineFixtures.TempDir("whole");
        EngineFixtures.RunShard(whole, null, items);
        var shardDirs = Enumerable.Range(0, 3).Select(i =>
        {
            string d = EngineFixtures.TempDir($"shard{i}");
            EngineFixtures.RunShard(d, new Shard(i, 3), items);
            // One saved map per shard, to check maps travel with the merge.
            string mapDir = RunLayout.ItemMaps(d, "resnet18", "toy", new Shard(i, 3).Select(items)[0]);
            Directory.CreateDirectory(mapDir);
            File.WriteAllBytes(Path.Combine(mapDir, "input.png"), new byte[] { 1 });
            return d;
        }).ToList();
        string merged = EngineFixtures.TempDir("merged");
        // Shards given out of order: the merge must not care.
        var report = ShardMerger.Merge(new[] { shardDirs[2], shardDirs[0], shardDirs[1] }, merged);

        Assert.Empty(report.MissingShards);
        Assert.Equal(3, report.MapFoldersCopied);
        using var a = ResultJournal.Open(ResultJournal.PathIn(whole), create: false);
        using var b = ResultJournal.Open(ResultJournal.PathIn(merged), create: false);
        var expected = a.ReadAll().ToList();
        var actual = b.ReadAll().ToList();
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i] with { Curve = null }, actual[i] with { Curve = null });
            Assert.Equal(expected[i].Curve, actual[i].Curve);
        }
        Assert.Equal(a.Counts(), b.Counts());
        Assert.Null(b.Active!.Shard);
        Assert.Equal(a.Active!.ConfigHash, b.Active.ConfigHash);
        Assert.Contains("2/3", b.GetMetadata("merged_from"));
        Assert.All(items, id => Assert.True(b.IsDone(EngineFixtures.Unit(id))));
    }

    [Fact]
    public void Refuses_shards_of_different_configs_naming_both_folders()
    {
        var items = EngineFixtures.ItemIds(10);
        string s0 = EngineFixtures.TempDir("cfgA");
        string s1 = EngineFixtures.TempDir("cfgB");
        EngineFixtures.RunShard(s0, new Shard(0, 2), items);
        EngineFixtures.RunShard(s1, new Shard(1, 2), items, config: EngineFixtures.ConfigYaml + "seed: 2\n");
        var e = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { s0, s1 }, EngineFixtures.TempDir("out")));
        Assert.Contains(s0, e.Message);
        Assert.Contains(s1, e.Message);
        Assert.Contains("config hash", e.Message);
    }

    [Fact]
    public void Detects_missing_and_duplicate_shards_and_overlapping_results()
    {
        var items = EngineFixtures.ItemIds(12);
        var dirs = Enumerable.Range(0, 3).Select(i => { string d = EngineFixtures.TempDir($"s{i}"); EngineFixtures.RunShard(d, new Shard(i, 3), items); return d; }).ToList();

        var missing = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], dirs[2] }, EngineFixtures.TempDir("out")));
        Assert.Contains("1/3", missing.Message);
        var partial = ShardMerger.Merge(new[] { dirs[0], dirs[2] }, EngineFixtures.TempDir("out"), allowMissing: true);
        Assert.Equal(new[] { 1 }, partial.MissingShards);

        string copy = EngineFixtures.TempDir("s0copy");
        EngineFixtures.RunShard(copy, new Shard(0, 3), items);
        var twice = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], dirs[1], dirs[2], copy }, EngineFixtures.TempDir("out")));
        Assert.Contains("given twice", twice.Message);

        // A shard 1/2 of another split overlaps shard 0/2's items: refused as a count mismatch first.
        string other = EngineFixtures.TempDir("other");
        EngineFixtures.RunShard(other, new Shard(1, 2), items);
        Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], other }, EngineFixtures.TempDir("out")));

        // Two "shards" that computed the same item (a shard folder whose journal also holds another shard's work).
        string overlap = EngineFixtures.TempDir("overlap");
        using (var j = ResultJournal.Open(ResultJournal.PathIn(overlap)))
        {
            j.BeginResultSet(EngineFixtures.Metadata(new Shard(1, 3)));
            string foreign = new Shard(0, 3).Select(items)[0];
            j.Commit(EngineFixtures.UnitRecords(foreign, items.ToList().IndexOf(foreign)), EngineFixtures.Unit(foreign));
        }
        var dup = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], overlap, dirs[2] }, EngineFixtures.TempDir("out")));
        Assert.Contains("two shards", dup.Message);
        Assert.Contains(dirs[0], dup.Message);
        Assert.Contains(overlap, dup.Message);
    }
}
