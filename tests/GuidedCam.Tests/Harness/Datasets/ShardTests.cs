using GuidedCam.Core;
using GuidedCam.Harness.Running;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Datasets;

public class ShardTests
{
    [Theory]
    [InlineData("0/1", 0, 1)]
    [InlineData("3/4", 3, 4)]
    [InlineData(" 2 / 10 ", 2, 10)]
    public void Parses_zero_based_index_and_count(string text, int index, int count) =>
        Assert.Equal(new Shard(index, count), Shard.Parse(text));

    [Theory]
    [InlineData("4/4", "0-based")]
    [InlineData("1/0", "at least 1")]
    [InlineData("-1/4", "whole numbers")]
    [InlineData("1", "i/N")]
    [InlineData("a/b", "i/N")]
    [InlineData("1/2/3", "i/N")]
    public void Rejects_bad_shards_with_what_is_allowed(string text, string expected)
    {
        var e = Assert.Throws<FormatException>(() => Shard.Parse(text));
        Assert.Contains(expected, e.Message);
        Assert.Contains(text, e.Message);
    }

    [Fact]
    public void Stable_hash_is_fnv1a_64()
    {
        // Published FNV-1a 64-bit test vectors (Fowler–Noll–Vo reference test suite): "" and "a".
        Assert.Equal(0xcbf29ce484222325UL, Fnv1a.Hash(""));
        Assert.Equal(0xaf63dc4c8601ec8cUL, Fnv1a.Hash("a"));
    }

    [Fact]
    public void Shards_are_disjoint_cover_everything_and_are_deterministic()
    {
        var ids = EngineFixtures.ItemIds(1000);
        const int n = 4;
        var parts = Enumerable.Range(0, n).Select(i => new Shard(i, n).Select(ids)).ToList();
        Assert.Equal(ids.Count, parts.Sum(p => p.Count));
        Assert.Equal(ids.OrderBy(x => x, StringComparer.Ordinal), parts.SelectMany(p => p).OrderBy(x => x, StringComparer.Ordinal));
        // Each shard gets a fair share (expected 250, binomial sd ≈ 13.7; ±60 is > 4 sd).
        Assert.All(parts, p => Assert.InRange(p.Count, 190, 310));
        // Deterministic and independent of the list order: a reversed list gives the same sets.
        var reversed = ids.Reverse().ToList();
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(parts[i], new Shard(i, n).Select(ids));
            Assert.Equal(parts[i].ToHashSet(), new Shard(i, n).Select(reversed).ToHashSet());
        }
        Assert.Equal(ids, Shard.All.Select(ids));
    }
}
