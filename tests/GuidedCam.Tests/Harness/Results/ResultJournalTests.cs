using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using Microsoft.Data.Sqlite;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Tests.Harness.Results;

public class ResultJournalTests : IDisposable
{
    public void Dispose() => EngineFixtures.CleanUp();

    [Fact]
    public void Commit_then_reopen_returns_the_same_cells_units_maps_and_marks()
    {
        string dir = EngineFixtures.TempDir("journal");
        var items = EngineFixtures.ItemIds(2);
        var batch = EngineFixtures.ItemBatch(items[1], 1);
        // A NaN value and a null dataset class must survive the round trip (SQLite stores NaN as NULL).
        batch.Cells.Add(new JournalCell(EngineFixtures.ModelKey, EngineFixtures.DatasetKey, items[1], 1, null, "gradcam", "", "gradcam", FakeMetrics.Mean, "step=1;x=1", double.NaN, true, null));
        batch.Units.Add(new ItemUnits(items[1], 3, new[] { 0.5f, -1.25f, 7f, 9.5f }, new[] { new GroundTruthUnit(2, 3), new GroundTruthUnit(4, 0) }));
        float[] raw = { 0.1f, -0.2f, 0.3f, 0.4f, 0.5f, 0.6f };
        batch.Maps.Add(StoredMap.FromRaw(items[1], 3, "gradcam", raw, 2, 3, 8, 12));
        float[] final = Enumerable.Range(0, 64).Select(i => i / 63f).ToArray();
        batch.Maps.Add(StoredMap.FromFinal(items[1], 3, "center", final, 8, 8));
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir)))
        {
            j.BeginRun(EngineFixtures.Metadata(), EngineFixtures.View(items));
            j.Commit(batch);
            j.SetMetadata("started_by", "test");
        }
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir), create: false))
        {
            var back = j.ReadAllCells().ToList();
            Assert.Equal(batch.Cells.Count, back.Count);
            foreach (var c in batch.Cells)
            {
                var b = back.Single(x => x.MethodKey == c.MethodKey && x.MetricKey == c.MetricKey);
                Assert.Equal(c with { Curve = null, Value = 0 }, b with { Curve = null, Value = 0 });
                Assert.Equal(c.Value, b.Value); // NaN equals NaN under double.Equals
                Assert.Equal(c.Curve, b.Curve);
            }
            var units = j.ReadUnits(EngineFixtures.ModelKey, EngineFixtures.DatasetKey);
            var u = Assert.Single(units.Values);
            Assert.Equal((items[1], 3L), (u.ItemId, u.Top1));
            Assert.Equal(new[] { 0.5f, -1.25f, 7f, 9.5f }, u.Logits);
            Assert.Equal(new[] { new GroundTruthUnit(2, 3), new GroundTruthUnit(4, 0) }, u.GroundTruth);
            Assert.Equal(new HashSet<(string, long, string)> { (items[1], 3, "gradcam"), (items[1], 3, "center") }, j.ReadMapIndex(EngineFixtures.ModelKey, EngineFixtures.DatasetKey));
            var rawBack = Assert.Single(j.ReadMaps(EngineFixtures.ModelKey, EngineFixtures.DatasetKey, "gradcam", items));
            Assert.Equal((StoredMapKind.Raw, 2, 3, 8, 12), (rawBack.Kind, rawBack.Rows, rawBack.Cols, rawBack.InputHeight, rawBack.InputWidth));
            Assert.Equal(raw, rawBack.Values());
            var finalBack = Assert.Single(j.ReadMaps(EngineFixtures.ModelKey, EngineFixtures.DatasetKey, "center", items));
            Assert.Equal(final, finalBack.Values()); // lossless
            Assert.Equal(4, j.ReadMarks(EngineFixtures.ModelKey, EngineFixtures.DatasetKey).Count);
            Assert.Empty(j.ReadMarks("another-model", EngineFixtures.DatasetKey));
            Assert.Equal("test", j.GetMetadata("started_by"));
            Assert.Equal(EngineFixtures.ConfigYaml, j.LatestRun!.ConfigYaml);
            // The view selects the fixture's two metrics only: the extra option set stays in the journal, outside the view.
            Assert.Equal(4, j.ReadView(j.LatestRun.View).Count);
        }
    }

    [Fact]
    public void Recommitting_a_batch_never_duplicates_or_rewrites_cells()
    {
        string dir = EngineFixtures.TempDir("journal-dup");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        j.BeginRun(EngineFixtures.Metadata(), EngineFixtures.View(new[] { "a" }));
        j.Commit(EngineFixtures.ItemBatch("a", 0));
        j.Commit(EngineFixtures.ItemBatch("a", 0));
        // A re-run after a crash may produce a slightly different value: the first committed one stays.
        var again = EngineFixtures.ItemBatch("a", 0);
        var changed = again.Cells.Select(c => c with { Value = -1 }).ToList();
        again.Cells.Clear();
        again.Cells.AddRange(changed);
        j.Commit(again);
        Assert.Equal((4L, 4L), (j.Counts().Cells, j.Counts().Marks));
        Assert.DoesNotContain(j.ReadAllCells(), r => r.Value == -1);
    }

    [Fact]
    public void Views_select_cells_and_a_later_run_deletes_nothing()
    {
        string dir = EngineFixtures.TempDir("journal-views");
        var items = EngineFixtures.ItemIds(4);
        EngineFixtures.RunShard(dir, null, items);
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        // A second config with one method, two items and another name for the model: a smaller view.
        var small = EngineFixtures.View(items.Take(2).ToList()) with
        {
            Models = new[] { new ViewEntry("my-resnet", EngineFixtures.ModelKey) },
            Methods = new[] { new ViewComponent("gradcam", "", "gradcam") },
        };
        j.BeginRun(EngineFixtures.Metadata(config: "another"), small);
        var shown = j.ReadView(j.LatestRun!.View);
        Assert.Equal(2 * 1 * 2, shown.Count); // 2 items × 1 method × 2 metrics
        Assert.All(shown, r => Assert.Equal("my-resnet", r.Model));
        Assert.Equal(4 * 2 * 2, j.Counts().Cells); // everything is still there
        Assert.Equal(2, j.Runs.Count);
        Assert.Equal(16, j.ReadView(j.Runs[0].View).Count);
    }

    [Fact]
    public void A_folder_keeps_its_shard_and_a_missing_journal_is_named()
    {
        string dir = EngineFixtures.TempDir("journal-guard");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        j.BeginRun(EngineFixtures.Metadata(new Shard(0, 2)), EngineFixtures.View(new[] { "a" }));
        var e2 = Assert.Throws<ArgumentException>(() => j.BeginRun(EngineFixtures.Metadata(new Shard(1, 2)), EngineFixtures.View(new[] { "a" })));
        Assert.Contains("0/2", e2.Message);
        Assert.Throws<FileNotFoundException>(() => ResultJournal.Open(Path.Combine(dir, "nowhere", "journal.sqlite"), create: false));
    }

    [Fact]
    public void A_journal_of_the_earlier_result_set_format_is_refused_in_one_line_and_left_untouched()
    {
        string dir = EngineFixtures.TempDir("journal-v1");
        string path = ResultJournal.PathIn(dir);
        // The schema-1 layout as the previous guidedcam wrote it (result sets, done units).
        using (var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = """
                CREATE TABLE schema_info(version INTEGER NOT NULL); INSERT INTO schema_info VALUES (1);
                CREATE TABLE result_sets(id INTEGER PRIMARY KEY, fingerprint TEXT NOT NULL UNIQUE);
                INSERT INTO result_sets(fingerprint) VALUES ('abc');
                """;
            cmd.ExecuteNonQuery();
        }
        byte[] before = File.ReadAllBytes(path);
        var e = Assert.Throws<InvalidDataException>(() => ResultJournal.Open(path));
        Assert.Contains("earlier result-set format", e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + "-wal") && new FileInfo(path + "-wal").Length > 0);
    }

    /// <summary>A journal as schema 2 wrote it: cells whose option texts are the unescaped "k=v;k=v".</summary>
    private static string SchemaTwoJournal(string name, string metricOptions)
    {
        string dir = EngineFixtures.TempDir(name);
        string path = ResultJournal.PathIn(dir);
        using (var j = ResultJournal.Open(path)) { }
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = """
            UPDATE schema_info SET version = 2;
            INSERT INTO cells VALUES ('m', 'd', 'a', 1, NULL, 'gradcam', '', 'gradcam', 'road', $o, 'road[' || $o || ']', 0.5, 0, NULL);
            """;
        cmd.Parameters.AddWithValue("$o", metricOptions);
        cmd.ExecuteNonQuery();
        return path;
    }

    private static long Version(string path)
    {
        using var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT version FROM schema_info;";
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public void A_schema_2_journal_with_plain_option_texts_is_upgraded_and_keeps_every_key()
    {
        // Built-in options hold no ; = [ ] @ \ in a value, so the escaped texts are the old texts.
        string path = SchemaTwoJournal("journal-v2", "noise=0.01;percentiles=10,20;target=predicted");
        using (var j = ResultJournal.Open(path))
        {
            var cell = Assert.Single(j.ReadAllCells());
            Assert.Equal("road[noise=0.01;percentiles=10,20;target=predicted]", cell.MetricKey);
        }
        Assert.Equal(ResultJournal.SchemaVersion, Version(path));
    }

    [Fact]
    public void A_schema_2_journal_with_an_ambiguous_option_text_is_refused_in_one_line_and_left_untouched()
    {
        // "a=x@1" holds '@', which the escaped form writes as "a=x\@1": the cell would change its key.
        string path = SchemaTwoJournal("journal-v2-ambiguous", "a=x@1");
        byte[] before = File.ReadAllBytes(path);
        var e = Assert.Throws<InvalidDataException>(() => ResultJournal.Open(path));
        Assert.Contains("a=x@1", e.Message);
        Assert.Contains("does not re-key", e.Message);
        Assert.Contains(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(2, Version(path));
    }

    [Fact]
    public void A_failing_commit_leaves_nothing_of_the_batch()
    {
        string dir = EngineFixtures.TempDir("journal-atomic");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        j.BeginRun(EngineFixtures.Metadata(), EngineFixtures.View(new[] { "a" }));
        var batch = EngineFixtures.ItemBatch("a", 0);
        batch.Units.Add(new ItemUnits("a", 1, new[] { 1f }, Array.Empty<GroundTruthUnit>()));
        // The last mark is missing: writing it fails after the units, cells and other marks were written in the same transaction.
        batch.Marks.Add(null!);
        Assert.ThrowsAny<Exception>(() => j.Commit(batch));
        var c = j.Counts();
        Assert.Equal((0L, 0L, 0L), (c.Cells, c.Marks, c.Units));
    }

    [Fact]
    public void A_process_killed_mid_transaction_leaves_a_consistent_journal()
    {
        // What a kill leaves is the bytes on disk at that instant. We take exactly that: copy the
        // database and its WAL while another connection is inside an uncommitted transaction that has
        // already spilled pages to the WAL (tiny page cache), then open the copy as a restarted run would.
        string dir = EngineFixtures.TempDir("journal-kill");
        string path = ResultJournal.PathIn(dir);
        using (var j = ResultJournal.Open(path))
        {
            j.BeginRun(EngineFixtures.Metadata(), EngineFixtures.View(new[] { "done" }));
            j.Commit(EngineFixtures.ItemBatch("done", 0));
        }

        using var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        writer.Open();
        using (var pragma = writer.CreateCommand()) { pragma.CommandText = "PRAGMA cache_size=2; PRAGMA synchronous=FULL;"; pragma.ExecuteNonQuery(); }
        long walBefore = new FileInfo(path + "-wal").Length;
        var tx = writer.BeginTransaction();
        using (var cmd = writer.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO cells(model_key, dataset_key, item_id, target, dataset_class, method, method_options, method_key, metric, metric_options, metric_key, value, flagged, curve)
                VALUES ('model-resnet18-key', 'dataset-toy-key', $item, 0, NULL, 'gradcam', '', 'gradcam', 'test-item-mean', 'step=1', 'test-item-mean[step=1]', 1.0, 0, $curve);
                """;
            var item = cmd.Parameters.Add("$item", SqliteType.Text);
            cmd.Parameters.AddWithValue("$curve", new byte[8 * 1024]);
            for (int i = 0; i < 400; i++) { item.Value = $"half-{i}"; cmd.ExecuteNonQuery(); }
        }
        long walDuring = new FileInfo(path + "-wal").Length;
        // The uncommitted transaction is partly on disk: the copy below really contains torn work.
        Assert.True(walDuring > walBefore + 100 * 1024, $"WAL grew only from {walBefore} to {walDuring} bytes; the test needs spilled pages");

        string crashDir = EngineFixtures.TempDir("journal-kill-copy");
        string crashPath = ResultJournal.PathIn(crashDir);
        File.Copy(path, crashPath);
        File.Copy(path + "-wal", crashPath + "-wal");
        tx.Dispose();

        using var reopened = ResultJournal.Open(crashPath);
        var all = reopened.ReadAllCells().ToList();
        Assert.Equal(EngineFixtures.ItemCells("done", 0).Count, all.Count);
        Assert.All(all, r => Assert.Equal("done", r.ItemId));
        Assert.Equal(4, reopened.ReadMarks(EngineFixtures.ModelKey, EngineFixtures.DatasetKey).Count);
        using var check = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = crashPath, Pooling = false }.ToString());
        check.Open();
        using var ic = check.CreateCommand();
        ic.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", ic.ExecuteScalar());
    }

    [Fact]
    public void Skips_are_recorded_once_per_item()
    {
        string dir = EngineFixtures.TempDir("journal-skip");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        j.BeginRun(EngineFixtures.Metadata(), EngineFixtures.View(new[] { "broken.jpg" }));
        var first = new BatchCommit { ModelKey = EngineFixtures.ModelKey, DatasetKey = EngineFixtures.DatasetKey };
        first.Skips.Add(("broken.jpg", "truncated JPEG"));
        j.Commit(first);
        var second = new BatchCommit { ModelKey = EngineFixtures.ModelKey, DatasetKey = EngineFixtures.DatasetKey };
        second.Skips.Add(("broken.jpg", "truncated JPEG again"));
        j.Commit(second);
        var s = Assert.Single(j.ReadSkippedItems(j.LatestRun!.View));
        Assert.Equal(new SkippedItem("resnet18", "toy", "broken.jpg", "truncated JPEG"), s);
    }
}
