using System.Globalization;
using GuidedCam.Core;

namespace GuidedCam.Harness.Datasets;

/// <summary>
/// One of <see cref="Count"/> disjoint parts of a run, written "i/N" with a 0-based index
/// (0 ≤ i &lt; N). 0-based because both cluster schedulers we target hand out 0-based indices as is:
/// Kubernetes' JOB_COMPLETION_INDEX is 0…N−1, and a Slurm array submitted with --array=0-(N−1)
/// gives SLURM_ARRAY_TASK_ID the same range (deploy/README.md).
/// <para>
/// An item belongs to shard FNV-1a-64(UTF-8 id) mod N. The assignment depends on the id alone — not
/// on list order, list length or the other items — so every shard process decides independently and
/// identically, shards are disjoint and together cover every id, and adding items to a dataset does
/// not move the existing ones to other shards.
/// </para>
/// </summary>
public sealed record Shard(int Index, int Count)
{
    /// <summary>The whole run as a single shard.</summary>
    public static Shard All { get; } = new(0, 1);

    public override string ToString() => $"{Index}/{Count}";

    /// <summary>Parses "i/N" (0 ≤ i &lt; N, N ≥ 1); errors say what was given and what is allowed.</summary>
    public static Shard Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string[] parts = text.Split('/');
        if (parts.Length != 2
            || !int.TryParse(parts[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int i)
            || !int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int n))
            throw new FormatException($"--shard '{text}': expected 'i/N' with whole numbers, 0-based index (e.g. 0/4 … 3/4)");
        if (n < 1)
            throw new FormatException($"--shard '{text}': the shard count N must be at least 1");
        if (i >= n)
            throw new FormatException($"--shard '{text}': the index is 0-based and must be below N (allowed 0…{n - 1}); for Slurm submit --array=0-{n - 1}");
        return new Shard(i, n);
    }

    /// <summary>Whether this shard evaluates the item.</summary>
    public bool Owns(string itemId) => Count == 1 || (int)(Fnv1a.Hash(itemId) % (ulong)Count) == Index;

    /// <summary>The ids of this shard, in their original order.</summary>
    public IReadOnlyList<string> Select(IReadOnlyList<string> itemIds) => itemIds.Where(Owns).ToList();
}
