using GuidedCam.Harness.Results;

namespace GuidedCam.Tests.Harness.Results;

/// <summary>The run-folder rules: which folders a writer may use, one writer at a time, the report's manifest.</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "guidedcam-runfolder-" + Guid.NewGuid().ToString("N")[..12]);

    public RunFolderTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_non_empty_folder_without_a_journal_is_refused_and_left_alone()
    {
        string other = Path.Combine(_root, "photos");
        Directory.CreateDirectory(Path.Combine(other, "figures"));
        File.WriteAllText(Path.Combine(other, "figures", "holiday.png"), "not ours");
        var e = Assert.Throws<ArgumentException>(() => RunFolder.Lock(other, "run"));
        Assert.Contains(other, e.Message);
        Assert.Contains("not a run folder", e.Message);
        Assert.Equal(new[] { Path.Combine(other, "figures") }, Directory.EnumerateFileSystemEntries(other).ToArray());

        // Absent, empty and run folders are fine.
        using (RunFolder.Lock(Path.Combine(_root, "new"), "run")) { }
        Directory.CreateDirectory(Path.Combine(_root, "empty"));
        using (RunFolder.Lock(Path.Combine(_root, "empty"), "run")) { }
        File.WriteAllText(Path.Combine(other, ResultJournal.FileName), "");
        using (RunFolder.Lock(other, "run")) { }
    }

    [Fact]
    public void A_second_writer_is_refused_at_once_naming_the_holder_and_the_lock_is_free_after()
    {
        string dir = Path.Combine(_root, "run");
        using (var first = RunFolder.Lock(dir, "run"))
        {
            var e = Assert.Throws<ArgumentException>(() => RunFolder.Lock(dir, "merge"));
            Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", e.Message);
            Assert.DoesNotContain('\n', e.Message);
        }
        using var again = RunFolder.Lock(dir, "run");
        Assert.Null(again.TakenOverFrom); // the first writer ended normally
    }

    [Fact]
    public void A_second_writer_that_starts_before_the_first_wrote_its_journal_is_told_who_holds_the_folder()
    {
        // Two runs started within one second: the first holds the lock and has written its log but not
        // yet its journal, so the folder is neither empty nor a run folder. The second must still name the holder.
        string dir = Path.Combine(_root, "run");
        using var first = RunFolder.Lock(dir, "run");
        File.WriteAllText(Path.Combine(dir, "run.log"), "starting\n");
        var e = Assert.Throws<ArgumentException>(() => RunFolder.Lock(dir, "run"));
        Assert.Contains("another writer holds the run folder", e.Message);
        Assert.Contains($"pid {Environment.ProcessId} on {Environment.MachineName}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_non_run_folder_without_a_writer_is_still_refused_as_not_a_run_folder()
    {
        string dir = Path.Combine(_root, "stale");
        using (RunFolder.Lock(dir, "run")) { }
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "mine");
        var e = Assert.Throws<ArgumentException>(() => RunFolder.Lock(dir, "run"));
        Assert.Contains("is not a run folder", e.Message);
    }

    [Fact]
    public void A_lock_left_by_a_killed_writer_is_taken_over_and_reported()
    {
        string dir = Path.Combine(_root, "run");
        Directory.CreateDirectory(dir);
        // A killed process leaves its holder line; the kernel has already dropped its flock.
        File.WriteAllText(Path.Combine(dir, RunFolder.LockFileName), "");
        File.WriteAllText(Path.Combine(dir, RunFolder.HolderFileName), "pid 999999 on elsewhere, started 2026-01-01 00:00:00Z (run)\n");
        using var folder = RunFolder.Lock(dir, "run");
        Assert.Equal("pid 999999 on elsewhere, started 2026-01-01 00:00:00Z (run)", folder.TakenOverFrom);
    }

    [Fact]
    public void The_report_removes_only_files_its_manifest_lists_inside_the_folder()
    {
        string dir = Path.Combine(_root, "run");
        Directory.CreateDirectory(Path.Combine(dir, "figures"));
        string outside = Path.Combine(_root, "outside.png");
        File.WriteAllText(outside, "user's");
        string userPng = Path.Combine(dir, "figures", "mine.png");
        File.WriteAllText(userPng, "user's");
        string old = Path.Combine(dir, "figures", "bars_old.png");
        string kept = Path.Combine(dir, "figures", "bars_kept.png");
        File.WriteAllText(old, "");
        File.WriteAllText(kept, "");
        RunFolder.WriteReportManifest(dir, new[] { old, kept });
        // An edited manifest that points outside the folder must not delete anything there.
        File.AppendAllLines(Path.Combine(dir, RunFolder.ManifestFileName), new[] { "../outside.png", "/etc/hostname" });

        var removed = RunFolder.RemoveStaleReportFiles(dir, new[] { kept });

        Assert.Equal(new[] { Path.GetFullPath(old) }, removed);
        Assert.True(File.Exists(kept));
        Assert.True(File.Exists(userPng));
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public void A_failed_write_names_its_path()
    {
        string path = Path.Combine(_root, "x.csv");
        // .NET reports EFBIG (file size limit) as this exception, without the path.
        var e = Assert.Throws<IOException>(() => RunFolder.Writing(path, () => throw new ArgumentOutOfRangeException("value", "Specified file length was too large for the file system.")));
        Assert.StartsWith(path + ": cannot write", e.Message);
    }
}
