namespace GuidedCam.Harness.Results;

/// <summary>What a merge did: the shard count, which shards were merged and which were missing (only with allowMissing), the totals of the merged journal, and what is not done when the merge was allowed to be partial.</summary>
public sealed record MergeReport(string OutDir, int ShardCount, IReadOnlyList<int> MergedShards, IReadOnlyList<int> MissingShards, long Records, long Units, int SkippedItems, int MapFoldersCopied)
{
    /// <summary>Null for a complete merge; else what is missing (also stored as the folder's "partial" metadata and shown in the report).</summary>
    public string? Partial { get; init; }
}
