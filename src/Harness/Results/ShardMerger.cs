using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Results;

/// <summary>
/// Merges the run folders of the shards of one config into one run folder: journal (cells, maps, units,
/// marks, skips) and saved maps. A cell present in two folders must hold the same value (it is kept
/// once); a conflicting value stops the merge with the cell named. Refuses what would give a wrong table:
/// shards of different configs (config hash), the same shard twice, shards of different shard counts,
/// missing shards (unless allowed) and shards whose items are not all done (unless a partial merge is
/// allowed, which marks the merged folder as partial).
/// </summary>
public static class ShardMerger
{
    public static MergeReport Merge(IReadOnlyList<string> shardDirs, string outDir, bool allowMissing = false, bool allowPartial = false)
    {
        if (shardDirs.Count == 0) throw new ArgumentException("merge needs at least one shard folder");
        var opened = new List<(string Dir, ResultSetInfo Run, Shard Shard, int Missing, int Items)>();
        foreach (string dir in shardDirs)
        {
            string full = Path.GetFullPath(dir);
            using var j = ResultJournal.Open(ResultJournal.PathIn(full), create: false);
            var run = j.LatestRun ?? throw new InvalidDataException($"{full}: the journal holds no run (did the shard start?)");
            var shard = j.Runs[0].Shard ?? Shard.All;
            var (missing, items) = Incomplete(j, run.View, shard);
            opened.Add((full, run, shard, missing, items));
        }

        var first = opened[0];
        foreach (var o in opened.Skip(1))
            if (o.Run.ConfigHash != first.Run.ConfigHash)
                throw new InvalidDataException(
                    $"shards of different configs: {first.Dir} has config hash {first.Run.ConfigHash[..Math.Min(12, first.Run.ConfigHash.Length)]}…, " +
                    $"{o.Dir} has {o.Run.ConfigHash[..Math.Min(12, o.Run.ConfigHash.Length)]}… — merge only shards of one `guidedcam run` config");

        int count = first.Shard.Count;
        var byIndex = new Dictionary<int, string>();
        foreach (var o in opened)
        {
            if (o.Shard.Count != count)
                throw new InvalidDataException($"shard counts differ: {first.Dir} is one of {count}, {o.Dir} is shard {o.Shard}");
            if (byIndex.TryGetValue(o.Shard.Index, out string? other))
                throw new InvalidDataException($"shard {o.Shard} given twice: {other} and {o.Dir}");
            byIndex[o.Shard.Index] = o.Dir;
        }
        var missingShards = Enumerable.Range(0, count).Where(i => !byIndex.ContainsKey(i)).ToList();
        if (missingShards.Count > 0 && !allowMissing)
            throw new InvalidDataException($"missing shard(s) {string.Join(", ", missingShards.Select(i => $"{i}/{count}"))} of {count}: merge all of them (or allow a partial merge explicitly with --allow-missing)");
        var incomplete = opened.Where(o => o.Missing > 0).ToList();
        if (incomplete.Count > 0 && !allowPartial)
        {
            var o = incomplete[0];
            throw new InvalidDataException(
                $"shard {o.Shard} ({o.Dir}) is not complete: {o.Missing} of {o.Items} items are not done — finish it by running its `guidedcam run … --shard {o.Shard}` again, or merge with --allow-partial");
        }

        string outFull = Path.GetFullPath(outDir);
        if (byIndex.Values.Any(d => string.Equals(d, outFull, StringComparison.Ordinal)))
            throw new ArgumentException($"--out {outFull} is one of the shard folders; merge into a new folder");

        using var folder = RunFolder.Lock(outFull, "merge");
        using var target = ResultJournal.Open(ResultJournal.PathIn(outFull));
        int mapFolders = 0;
        foreach (int index in byIndex.Keys.Order())
        {
            string dir = byIndex[index];
            target.ImportFrom(ResultJournal.PathIn(dir));
            mapFolders += CopyMaps(RunLayout.MapsRoot(dir), RunLayout.MapsRoot(outFull));
        }
        target.BeginRun(new RunMetadata(first.Run.ConfigYaml, first.Run.ConfigHash, first.Run.ProtocolFingerprint, Shard: null), first.Run.View);
        target.SetMetadata("merged_from", string.Join('\n', opened.OrderBy(o => o.Shard.Index).Select(o => $"{o.Shard} {o.Dir}")));
        string partial = string.Join("; ", incomplete.Select(o => $"shard {o.Shard}: {o.Missing} of {o.Items} items not done")
            .Concat(missingShards.Select(i => $"shard {i}/{count} absent")));
        if (partial.Length > 0) target.SetMetadata("partial", partial);
        var c = target.Counts();
        return new MergeReport(outFull, count, byIndex.Keys.Order().ToList(), missingShards, c.Cells, c.Units, (int)c.Skipped, mapFolders)
        {
            Partial = partial.Length > 0 ? partial : null,
        };
    }

    /// <summary>Items of a shard's view (its own share, skipped ones excepted) that lack a mark for some method × metric; and how many items the shard owns.</summary>
    public static (int Missing, int Items) Incomplete(ResultJournal journal, RunView view, Shard shard)
    {
        int missing = 0, items = 0;
        foreach (var model in view.Models)
            foreach (var ds in view.Datasets)
            {
                var marks = journal.ReadMarks(model.Key, ds.Key);
                var skipped = journal.ReadSkipped(model.Key, ds.Key);
                foreach (string item in ds.Items.Where(shard.Owns))
                {
                    items++;
                    if (skipped.ContainsKey(item)) continue;
                    if (view.Methods.Any(m => view.Metrics.Any(x => !marks.Contains((item, m.Key, x.Key))))) missing++;
                }
            }
        return (missing, items);
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
