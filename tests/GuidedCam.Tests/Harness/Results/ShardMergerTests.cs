using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Results.Exporters;

namespace GuidedCam.Tests.Harness.Results;

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
        Assert.Null(report.Partial);
        Assert.Equal(3, report.MapFoldersCopied);
        var expected = EngineFixtures.Records(whole);
        var actual = EngineFixtures.Records(merged);
        Assert.Equal(30 * 4, expected.Count);
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i] with { Curve = null }, actual[i] with { Curve = null });
            Assert.Equal(expected[i].Curve, actual[i].Curve);
        }
        using var a = ResultJournal.Open(ResultJournal.PathIn(whole), create: false);
        using var b = ResultJournal.Open(ResultJournal.PathIn(merged), create: false);
        Assert.Equal(a.Counts(), b.Counts());
        Assert.Null(b.LatestRun!.Shard);
        Assert.Equal(a.LatestRun!.ConfigHash, b.LatestRun.ConfigHash);
        Assert.Contains("2/3", b.GetMetadata("merged_from"));
        Assert.Equal((0, 30), ShardMerger.Incomplete(b, b.LatestRun.View, Shard.All));
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
    public void Detects_missing_and_duplicate_shards()
    {
        var items = EngineFixtures.ItemIds(12);
        var dirs = Enumerable.Range(0, 3).Select(i => { string d = EngineFixtures.TempDir($"s{i}"); EngineFixtures.RunShard(d, new Shard(i, 3), items); return d; }).ToList();

        var missing = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], dirs[2] }, EngineFixtures.TempDir("out")));
        Assert.Contains("1/3", missing.Message);
        var partial = ShardMerger.Merge(new[] { dirs[0], dirs[2] }, EngineFixtures.TempDir("out"), allowMissing: true);
        Assert.Equal(new[] { 1 }, partial.MissingShards);
        Assert.Contains("shard 1/3 absent", partial.Partial);

        string copy = EngineFixtures.TempDir("s0copy");
        EngineFixtures.RunShard(copy, new Shard(0, 3), items);
        var twice = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], dirs[1], dirs[2], copy }, EngineFixtures.TempDir("out")));
        Assert.Contains("given twice", twice.Message);

        // A shard 1/2 of another split: refused as a count mismatch.
        string other = EngineFixtures.TempDir("other");
        EngineFixtures.RunShard(other, new Shard(1, 2), items);
        Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], other }, EngineFixtures.TempDir("out")));
    }

    [Fact]
    public void A_cell_in_two_shards_is_kept_once_when_equal_and_refused_when_it_differs()
    {
        var items = EngineFixtures.ItemIds(12);
        var dirs = Enumerable.Range(0, 3).Select(i => { string d = EngineFixtures.TempDir($"s{i}"); EngineFixtures.RunShard(d, new Shard(i, 3), items); return d; }).ToList();
        string foreign = new Shard(0, 3).Select(items)[0];
        int index = items.ToList().IndexOf(foreign);

        // Shard 1's folder also computed one of shard 0's items, with the same values: kept once.
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dirs[1])))
            j.Commit(EngineFixtures.ItemBatch(foreign, index));
        string merged = EngineFixtures.TempDir("merged");
        var ok = ShardMerger.Merge(dirs, merged);
        Assert.Equal(12 * 4, ok.Records);

        // The same cell with another value: the merge stops and names the cell.
        string conflicting = EngineFixtures.TempDir("conflict");
        EngineFixtures.RunShard(conflicting, new Shard(1, 3), items);
        using (var j = ResultJournal.Open(ResultJournal.PathIn(conflicting)))
        {
            var batch = EngineFixtures.ItemBatch(foreign, index);
            var changed = batch.Cells.Select(c => c with { Value = c.Value + 1 }).ToList();
            batch.Cells.Clear();
            batch.Cells.AddRange(changed);
            j.Commit(batch);
        }
        var e = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(new[] { dirs[0], conflicting, dirs[2] }, EngineFixtures.TempDir("out")));
        Assert.Contains(foreign, e.Message);
        Assert.Contains("must agree", e.Message);
    }

    [Fact]
    public void An_unfinished_shard_is_refused_with_its_missing_count_unless_partial_is_allowed()
    {
        var items = EngineFixtures.ItemIds(12);
        var dirs = Enumerable.Range(0, 2).Select(i => EngineFixtures.TempDir($"s{i}")).ToList();
        EngineFixtures.RunShard(dirs[0], new Shard(0, 2), items);
        // Shard 1 was killed after its first item.
        EngineFixtures.RunShard(dirs[1], new Shard(1, 2), items, stopAfter: 1);
        int owned = new Shard(1, 2).Select(items).Count;

        var e = Assert.Throws<InvalidDataException>(() => ShardMerger.Merge(dirs, EngineFixtures.TempDir("out")));
        Assert.Contains("shard 1/2", e.Message);
        Assert.Contains(dirs[1], e.Message);
        Assert.Contains($"{owned - 1} of {owned} items are not done", e.Message);

        string merged = EngineFixtures.TempDir("partial");
        var report = ShardMerger.Merge(dirs, merged, allowPartial: true);
        Assert.Contains($"shard 1/2: {owned - 1} of {owned} items not done", report.Partial);
        using var j = ResultJournal.Open(ResultJournal.PathIn(merged), create: false);
        Assert.Equal(report.Partial, j.GetMetadata("partial"));
        ReportBuilder.Build(merged, new Bootstrap(50), metrics: FakeMetrics.Catalog());
        Assert.Contains("Partial", File.ReadAllText(Path.Combine(merged, "results.md")));
    }
}
