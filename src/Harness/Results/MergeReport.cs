namespace GuidedCam.Harness.Results;

/// <summary>What a merge did: the shard count, which shards were merged and which were missing (only with allowMissing), and the totals of the merged journal.</summary>
public sealed record MergeReport(string OutDir, int ShardCount, IReadOnlyList<int> MergedShards, IReadOnlyList<int> MissingShards, long Records, long Units, int SkippedItems, int MapFoldersCopied);
