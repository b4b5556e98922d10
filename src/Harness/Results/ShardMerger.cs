using GuidedCam.Harness.Running;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Merges the run folders of the shards of one experiment into one run folder: journal (records,
/// completion markers, skips) and saved maps. Refuses what would give a wrong table: shards of
/// different configs (config hash), the same shard twice, shards of different shard counts, a record
/// present in two shards (shards must be disjoint), and — unless allowed — missing shards.
/// </summary>
public static class ShardMerger
{
    public static MergeReport Merge(IReadOnlyList<string> shardDirs, string outDir, bool allowMissing = false)
    {
        if (shardDirs.Count == 0) throw new ArgumentException("merge needs at least one shard folder");
        var opened = new List<(string Dir, ResultSetInfo Set)>();
        foreach (string dir in shardDirs)
        {
            string full = Path.GetFullPath(dir);
            using var j = ResultJournal.Open(ResultJournal.PathIn(full), create: false);
            var set = j.Active ?? throw new InvalidDataException($"{full}: the journal holds no result set (did the shard start?)");
            opened.Add((full, set));
        }

        var first = opened[0];
        foreach (var (dir, set) in opened.Skip(1))
        {
            if (set.ConfigHash != first.Set.ConfigHash)
                throw new InvalidDataException(
                    $"shards of different configs: {first.Dir} has config hash {first.Set.ConfigHash[..Math.Min(12, first.Set.ConfigHash.Length)]}…, " +
                    $"{dir} has {set.ConfigHash[..Math.Min(12, set.ConfigHash.Length)]}… — merge only shards of one `guidedcam run` config");
            if (set.ProtocolFingerprint != first.Set.ProtocolFingerprint)
                throw new InvalidDataException($"shards of different protocols: {first.Dir} and {dir} share the config hash but not the protocol fingerprint (different guidedcam versions?)");
        }

        int count = opened[0].Set.Shard?.Count ?? 1;
        var byIndex = new Dictionary<int, string>();
        foreach (var (dir, set) in opened)
        {
            var shard = set.Shard ?? Shard.All;
            if (shard.Count != count)
                throw new InvalidDataException($"shard counts differ: {opened[0].Dir} is one of {count}, {dir} is shard {shard}");
            if (byIndex.TryGetValue(shard.Index, out string? other))
                throw new InvalidDataException($"shard {shard} given twice: {other} and {dir}");
            byIndex[shard.Index] = dir;
        }
        var missing = Enumerable.Range(0, count).Where(i => !byIndex.ContainsKey(i)).ToList();
        if (missing.Count > 0 && !allowMissing)
            throw new InvalidDataException($"missing shard(s) {string.Join(", ", missing.Select(i => $"{i}/{count}"))} of {count}: merge all of them (or allow a partial merge explicitly)");

        string outFull = Path.GetFullPath(outDir);
        if (byIndex.Values.Any(d => string.Equals(d, outFull, StringComparison.Ordinal)))
            throw new ArgumentException($"--out {outFull} is one of the shard folders; merge into a new folder");

        using var folder = RunFolder.Lock(outFull, "merge");
        using var target = ResultJournal.Open(ResultJournal.PathIn(outFull));
        var merged = target.BeginResultSet(new RunMetadata(first.Set.ConfigYaml, first.Set.ConfigHash, first.Set.ProtocolFingerprint, Shard: null));
        var seen = new Dictionary<(string, string, string, long, string, string, string, string), string>();
        int mapFolders = 0;
        foreach (int index in byIndex.Keys.Order())
        {
            string dir = byIndex[index];
            List<ResultRecord> records;
            IReadOnlyList<UnitKey> units;
            IReadOnlyList<SkippedItem> skipped;
            IReadOnlyDictionary<string, string> metadata;
            using (var j = ResultJournal.Open(ResultJournal.PathIn(dir), create: false))
            {
                records = j.ReadAll().ToList();
                units = j.ReadUnits();
                skipped = j.Skipped();
                metadata = j.Metadata();
            }
            foreach (var r in records)
            {
                var key = (r.Model, r.Dataset, r.ItemId, r.Target, r.Method, r.MethodOptions, r.Metric, r.MetricOptions);
                if (seen.TryGetValue(key, out string? firstDir))
                    throw new InvalidDataException(
                        $"the same result is in two shards ({firstDir} and {dir}): {r.Model}/{r.Dataset}/{r.ItemId} target {r.Target}, {r.Method} × {r.Metric}; shards must be disjoint — were they run with different shard counts or item lists?");
                seen[key] = dir;
            }
            // INSERT OR IGNORE: re-merging into the same folder adds nothing twice.
            target.Import(records, units, skipped);
            if (index == byIndex.Keys.Min())
                foreach (var (k, v) in metadata) target.SetMetadata(k, v);
            mapFolders += CopyMaps(RunLayout.MapsRoot(dir), RunLayout.MapsRoot(outFull));
        }
        target.SetMetadata("merged_from", string.Join('\n', byIndex.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}/{count} {kv.Value}")));
        var (recs, doneUnits) = target.Counts();
        return new MergeReport(outFull, count, byIndex.Keys.Order().ToList(), missing, recs, doneUnits, target.Skipped().Count, mapFolders);
    }

    /// <summary>Copies item map folders (shards own disjoint items, so folders never clash); returns how many item folders were copied.</summary>
    private static int CopyMaps(string from, string to)
    {
        if (!Directory.Exists(from)) return 0;
        int folders = 0;
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(from, file);
            string dest = Path.Combine(to, rel);
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            if (Path.GetFileName(file) == "input.png") folders++;
            File.Copy(file, dest, overwrite: true);
        }
        return folders;
    }
}
