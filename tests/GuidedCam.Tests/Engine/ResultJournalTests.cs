using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using Microsoft.Data.Sqlite;

namespace GuidedCam.Tests.Engine;

public class ResultJournalTests : IDisposable
{
    public void Dispose() => EngineFixtures.CleanUp();

    [Fact]
    public void Commit_then_reopen_returns_the_same_records_and_markers()
    {
        string dir = EngineFixtures.TempDir("journal");
        var records = EngineFixtures.UnitRecords("img_0001", 1).ToList();
        // A NaN value and a null dataset class must survive the round trip (SQLite stores NaN as NULL).
        records.Add(new ResultRecord("resnet18", "toy", "img_0001", 1, null, "gradcam", "", "test-extra", "", double.NaN, true, null));
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir)))
        {
            j.BeginResultSet(EngineFixtures.Metadata());
            j.Commit(records, EngineFixtures.Unit("img_0001"));
            j.SetMetadata("started_by", "test");
        }
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir), create: false))
        {
            var back = j.ReadAll().ToList();
            Assert.Equal(records.Count, back.Count);
            foreach (var r in records)
            {
                var b = back.Single(x => x.Method == r.Method && x.Metric == r.Metric);
                Assert.Equal(r with { Curve = null, Value = 0 }, b with { Curve = null, Value = 0 });
                Assert.Equal(r.Value, b.Value); // NaN equals NaN under double.Equals
                Assert.Equal(r.Curve, b.Curve);
            }
            Assert.True(j.IsDone(EngineFixtures.Unit("img_0001")));
            Assert.False(j.IsDone(EngineFixtures.Unit("img_0002")));
            Assert.Equal(new[] { EngineFixtures.Unit("img_0001").Text }, j.DoneUnits("resnet18", "toy"));
            Assert.Empty(j.DoneUnits("vgg16", "toy"));
            Assert.Equal("test", j.GetMetadata("started_by"));
            Assert.Equal(EngineFixtures.ConfigYaml, j.Active!.ConfigYaml);
        }
    }

    [Fact]
    public void Recommitting_a_unit_never_duplicates_records()
    {
        string dir = EngineFixtures.TempDir("journal-dup");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        j.BeginResultSet(EngineFixtures.Metadata());
        var recs = EngineFixtures.UnitRecords("a", 0);
        j.Commit(recs, EngineFixtures.Unit("a"));
        j.Commit(recs, EngineFixtures.Unit("a"));
        // A re-run after a crash may produce a slightly different value: the first committed one stays.
        j.Commit(recs.Select(r => r with { Value = -1 }).ToList(), EngineFixtures.Unit("a"));
        Assert.Equal((recs.Count, 1L), j.Counts());
        Assert.DoesNotContain(j.ReadAll(), r => r.Value == -1);
    }

    [Fact]
    public void A_different_protocol_starts_a_new_result_set_and_the_old_one_resumes_intact()
    {
        string dir = EngineFixtures.TempDir("journal-sets");
        var first = EngineFixtures.Metadata();
        var second = EngineFixtures.Metadata(fingerprint: "another-protocol");
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir)))
        {
            j.BeginResultSet(first);
            j.Commit(EngineFixtures.UnitRecords("a", 0), EngineFixtures.Unit("a"));
        }
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir)))
        {
            Assert.NotNull(j.Find(first.ProtocolFingerprint));
            Assert.Null(j.Find(second.ProtocolFingerprint));
            j.BeginResultSet(second);
            Assert.Empty(j.ReadAll());
            Assert.False(j.IsDone(EngineFixtures.Unit("a")));
            j.Commit(EngineFixtures.UnitRecords("b", 1), EngineFixtures.Unit("b"));
        }
        using (var j = ResultJournal.Open(ResultJournal.PathIn(dir)))
        {
            Assert.Equal(2, j.ResultSets.Count);
            // After reopening, the active set is the one opened last.
            Assert.Equal(second.ProtocolFingerprint, j.Active!.ProtocolFingerprint);
            j.BeginResultSet(first);
            Assert.True(j.IsDone(EngineFixtures.Unit("a")));
            Assert.All(j.ReadAll(), r => Assert.Equal("a", r.ItemId));
        }
    }

    [Fact]
    public void Writing_needs_a_result_set_and_a_folder_keeps_its_shard()
    {
        string dir = EngineFixtures.TempDir("journal-guard");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        var e = Assert.Throws<InvalidOperationException>(() => j.Commit(EngineFixtures.UnitRecords("a", 0), EngineFixtures.Unit("a")));
        Assert.Contains("BeginResultSet", e.Message);
        j.BeginResultSet(EngineFixtures.Metadata(new Shard(0, 2)));
        var e2 = Assert.Throws<ArgumentException>(() => j.BeginResultSet(EngineFixtures.Metadata(new Shard(1, 2))));
        Assert.Contains("0/2", e2.Message);
        Assert.Throws<FileNotFoundException>(() => ResultJournal.Open(Path.Combine(dir, "nowhere", "journal.sqlite"), create: false));
    }

    [Fact]
    public void A_failing_commit_leaves_neither_records_nor_marker()
    {
        string dir = EngineFixtures.TempDir("journal-atomic");
        using var j = ResultJournal.Open(ResultJournal.PathIn(dir));
        j.BeginResultSet(EngineFixtures.Metadata());
        var recs = EngineFixtures.UnitRecords("a", 0).ToList();
        // The last record has a null model: its insert fails after the first four were written in the same transaction.
        recs.Add(recs[0] with { Model = null!, Metric = "other" });
        Assert.ThrowsAny<Exception>(() => j.Commit(recs, EngineFixtures.Unit("a")));
        Assert.Equal((0L, 0L), j.Counts());
        Assert.False(j.IsDone(EngineFixtures.Unit("a")));
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
            j.BeginResultSet(EngineFixtures.Metadata());
            j.Commit(EngineFixtures.UnitRecords("done", 0), EngineFixtures.Unit("done"));
        }
        long setId;
        using (var j = ResultJournal.Open(path)) setId = j.Active!.Id;

        using var writer = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        writer.Open();
        using (var pragma = writer.CreateCommand()) { pragma.CommandText = "PRAGMA cache_size=2; PRAGMA synchronous=FULL;"; pragma.ExecuteNonQuery(); }
        long walBefore = new FileInfo(path + "-wal").Length;
        var tx = writer.BeginTransaction();
        using (var cmd = writer.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO results(result_set, model, dataset, item_id, target, dataset_class, method, method_options, metric, metric_options, value, flagged, curve)
                VALUES ($s, 'resnet18', 'toy', $item, 0, NULL, 'gradcam', '', 'test-item-mean', '', 1.0, 0, $curve);
                """;
            cmd.Parameters.AddWithValue("$s", setId);
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
        reopened.BeginResultSet(EngineFixtures.Metadata());
        var all = reopened.ReadAll().ToList();
        Assert.Equal(EngineFixtures.UnitRecords("done", 0).Count, all.Count);
        Assert.All(all, r => Assert.Equal("done", r.ItemId));
        Assert.True(reopened.IsDone(EngineFixtures.Unit("done")));
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
        j.BeginResultSet(EngineFixtures.Metadata());
        j.RecordSkip("resnet18", "toy", "broken.jpg", "truncated JPEG");
        j.RecordSkip("resnet18", "toy", "broken.jpg", "truncated JPEG again");
        var s = Assert.Single(j.Skipped());
        Assert.Equal(new SkippedItem("resnet18", "toy", "broken.jpg", "truncated JPEG"), s);
    }
}
