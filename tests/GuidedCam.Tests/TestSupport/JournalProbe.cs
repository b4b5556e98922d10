using GuidedCam.Harness.Results;
using Microsoft.Data.Sqlite;

namespace GuidedCam.Tests.TestSupport;

/// <summary>Reads a run folder's journal from outside the run, as a user's second process would.</summary>
public static class JournalProbe
{
    /// <summary>A read-only connection: the run being observed may still be writing the journal.</summary>
    public static SqliteConnection OpenReadOnly(string path)
    {
        var db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false, DefaultTimeout = 30 }.ToString());
        db.Open();
        return db;
    }

    /// <summary>Items whose batch is committed in a run folder's journal; 0 before the journal exists.</summary>
    public static long CommittedUnits(string runDir)
    {
        string path = ResultJournal.PathIn(runDir);
        if (!File.Exists(path)) return 0;
        try
        {
            using var db = OpenReadOnly(path);
            using var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM units;";
            return (long)cmd.ExecuteScalar()!;
        }
        catch (SqliteException)
        {
            return 0; // the schema is not there yet
        }
    }

    /// <summary>The cells of the folder's latest view (what `report` shows).</summary>
    public static List<ResultRecord> LatestView(string runDir)
    {
        using var j = ResultJournal.Open(ResultJournal.PathIn(runDir), create: false);
        var run = j.LatestRun!;
        return j.ReadView(run.View, run.Shard);
    }
}
