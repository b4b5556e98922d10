using System.Globalization;
using System.Runtime.InteropServices;
using GuidedCam.Harness.Running;
using Microsoft.Data.Sqlite;

namespace GuidedCam.Harness.Results;

/// <summary>
/// The crash-safe result store of a run folder (<c>&lt;run&gt;/journal.sqlite</c>).
/// <para>
/// Durability: SQLite in WAL mode with <c>synchronous=FULL</c>. A unit's records and its completion
/// marker are written in ONE transaction, so after a kill (preemption, OOM, Ctrl-C) or a power loss
/// the journal holds either all of a unit or none of it, and the marker never claims a unit whose
/// records are missing. WAL with <c>NORMAL</c> would already survive a killed process, but may lose the
/// last commits on an OS crash or power loss; <c>FULL</c> fsyncs the WAL at every commit, so a unit
/// reported done stays done. The cost is one fsync per unit (milliseconds) against seconds of model
/// compute per unit, hence negligible. WAL also lets `report` read while a run is writing.
/// </para>
/// <para>
/// Protocols never mix: a journal holds result sets, one per protocol fingerprint. The runner calls
/// <see cref="BeginResultSet"/> with its metadata; a journal that already has that fingerprint resumes
/// it, any other fingerprint starts a new, empty result set beside the old ones (nothing is deleted).
/// Every read and write goes to the active set, which after <see cref="Open"/> is the set opened most
/// recently. Re-running a unit never duplicates: the record key (Model, Dataset, ItemId, Target,
/// Method, MethodOptions, Metric, MetricOptions) is UNIQUE per set and inserts are INSERT OR IGNORE.
/// </para>
/// One journal is written by one process at a time (each shard writes its own run folder); WAL needs
/// working file locks and shared memory on one host, so keep run folders on a local disk or a
/// cluster file system with POSIX locks.
/// </summary>
public sealed class ResultJournal : IDisposable
{
    public const string FileName = "journal.sqlite";
    private const int SchemaVersion = 1;

    private readonly SqliteConnection _db;
    private ResultSetInfo? _active;
    private bool _writable;

    public string Path { get; }

    private ResultJournal(string path, SqliteConnection db)
    {
        Path = path;
        _db = db;
    }

    /// <summary>The journal file of a run folder.</summary>
    public static string PathIn(string runDir) => System.IO.Path.Combine(runDir, FileName);

    /// <summary>
    /// Opens (and with <paramref name="create"/> creates) a journal. Without <paramref name="create"/>
    /// a missing file is an error, so `report` on a wrong folder says so instead of making an empty journal.
    /// </summary>
    public static ResultJournal Open(string path, bool create = true)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!create && !File.Exists(full))
            throw new FileNotFoundException($"{full}: no result journal here (a run folder holds {FileName})", full);
        if (create) Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var cs = new SqliteConnectionStringBuilder
        {
            DataSource = full,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            // No pooling: Dispose must really close the file (merge, tests and crash recovery reopen it).
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        var db = new SqliteConnection(cs);
        try
        {
            db.Open();
            string mode = Scalar(db, "PRAGMA journal_mode=WAL;")?.ToString() ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
                throw new IOException($"{full}: SQLite refused WAL journal mode (got '{mode}'); is the folder on a file system without shared-memory support?");
            Exec(db, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;");
            var journal = new ResultJournal(full, db);
            journal.CreateSchema();
            journal._active = journal.ResultSets.OrderByDescending(s => s.LastOpenedUtc).ThenByDescending(s => s.Id).FirstOrDefault();
            return journal;
        }
        catch (SqliteException e)
        {
            db.Dispose();
            throw new IOException($"{full}: cannot open the result journal ({e.Message})", e);
        }
        catch
        {
            db.Dispose();
            throw;
        }
    }

    private void CreateSchema()
    {
        using var tx = _db.BeginTransaction();
        Exec(_db, """
            CREATE TABLE IF NOT EXISTS schema_info(version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS result_sets(
                id INTEGER PRIMARY KEY,
                fingerprint TEXT NOT NULL UNIQUE,
                config_hash TEXT NOT NULL,
                config_yaml TEXT NOT NULL,
                shard_index INTEGER,
                shard_count INTEGER,
                created_utc TEXT NOT NULL,
                last_opened_utc TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS metadata(
                result_set INTEGER NOT NULL REFERENCES result_sets(id),
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY(result_set, key));
            CREATE TABLE IF NOT EXISTS results(
                result_set INTEGER NOT NULL REFERENCES result_sets(id),
                model TEXT NOT NULL,
                dataset TEXT NOT NULL,
                item_id TEXT NOT NULL,
                target INTEGER NOT NULL,
                dataset_class INTEGER,
                method TEXT NOT NULL,
                method_options TEXT NOT NULL,
                metric TEXT NOT NULL,
                metric_options TEXT NOT NULL,
                value REAL,
                flagged INTEGER NOT NULL,
                curve BLOB,
                UNIQUE(result_set, model, dataset, item_id, target, method, method_options, metric, metric_options));
            CREATE TABLE IF NOT EXISTS skipped(
                result_set INTEGER NOT NULL REFERENCES result_sets(id),
                model TEXT NOT NULL,
                dataset TEXT NOT NULL,
                item_id TEXT NOT NULL,
                reason TEXT NOT NULL,
                PRIMARY KEY(result_set, model, dataset, item_id));
            CREATE TABLE IF NOT EXISTS done_units(
                result_set INTEGER NOT NULL REFERENCES result_sets(id),
                unit_key TEXT NOT NULL,
                model TEXT NOT NULL,
                dataset TEXT NOT NULL,
                item_id TEXT NOT NULL,
                method_set TEXT NOT NULL,
                committed_utc TEXT NOT NULL,
                PRIMARY KEY(result_set, unit_key));
            CREATE INDEX IF NOT EXISTS done_units_by_dataset ON done_units(result_set, model, dataset);
            """, tx);
        long? version = Scalar(_db, "SELECT version FROM schema_info LIMIT 1;", tx) is long v ? v : null;
        if (version is null)
            Exec(_db, $"INSERT INTO schema_info(version) VALUES ({SchemaVersion});", tx);
        else if (version != SchemaVersion)
            throw new InvalidDataException($"{Path}: journal schema version {version}; this guidedcam reads version {SchemaVersion}");
        tx.Commit();
    }

    /// <summary>All result sets of this journal, oldest first.</summary>
    public IReadOnlyList<ResultSetInfo> ResultSets
    {
        get
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT id, config_yaml, config_hash, fingerprint, shard_index, shard_count, created_utc, last_opened_utc FROM result_sets ORDER BY id;";
            using var r = cmd.ExecuteReader();
            var list = new List<ResultSetInfo>();
            while (r.Read())
            {
                Shard? shard = r.IsDBNull(4) ? null : new Shard(r.GetInt32(4), r.GetInt32(5));
                list.Add(new ResultSetInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), shard,
                    ParseTime(r.GetString(6)), ParseTime(r.GetString(7))));
            }
            return list;
        }
    }

    /// <summary>The set reads and writes go to; null for a journal that has none yet.</summary>
    public ResultSetInfo? Active => _active;

    /// <summary>The result set of a fingerprint, or null: "does this journal already hold this protocol?"</summary>
    public ResultSetInfo? Find(string protocolFingerprint) => ResultSets.FirstOrDefault(s => s.ProtocolFingerprint == protocolFingerprint);

    /// <summary>
    /// Makes the result set of <paramref name="meta"/>'s fingerprint active and writable: resumes it
    /// when it exists, creates it otherwise. Resuming with another shard than the set was started with
    /// is an <see cref="ArgumentException"/> (the folder would mix two shards' items).
    /// </summary>
    public ResultSetInfo BeginResultSet(RunMetadata meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        string now = FormatTime(DateTimeOffset.UtcNow);
        var existing = Find(meta.ProtocolFingerprint);
        using var tx = _db.BeginTransaction();
        if (existing is not null)
        {
            // ArgumentException: a wrong --out for a shard is bad input, so the CLI reports it in one line (exit 2).
            if (!Equals(existing.Shard, meta.Shard))
                throw new ArgumentException(
                    $"{Path}: this folder holds shard {existing.Shard?.ToString() ?? "(unsharded)"} of this config; asked to run shard {meta.Shard?.ToString() ?? "(unsharded)"} — use another --out folder per shard");
            Exec(_db, "UPDATE result_sets SET last_opened_utc = $now WHERE id = $id;", tx, ("$now", now), ("$id", existing.Id));
        }
        else
        {
            Exec(_db, """
                INSERT INTO result_sets(fingerprint, config_hash, config_yaml, shard_index, shard_count, created_utc, last_opened_utc)
                VALUES ($fp, $hash, $yaml, $si, $sn, $now, $now);
                """, tx, ("$fp", meta.ProtocolFingerprint), ("$hash", meta.ConfigHash), ("$yaml", meta.ConfigYaml),
                ("$si", meta.Shard?.Index), ("$sn", meta.Shard?.Count), ("$now", now));
        }
        tx.Commit();
        _active = Find(meta.ProtocolFingerprint)!;
        _writable = true;
        return _active;
    }

    /// <summary>Makes an existing set active for reading (e.g. `report` on an older protocol of the folder).</summary>
    public void SelectResultSet(long id)
    {
        _active = ResultSets.FirstOrDefault(s => s.Id == id)
            ?? throw new ArgumentException($"{Path}: no result set {id} (have: {string.Join(", ", ResultSets.Select(s => s.Id))})");
        _writable = false;
    }

    /// <summary>Whether a unit's results are already committed in the active set.</summary>
    public bool IsDone(UnitKey unit)
    {
        long set = RequireActive().Id;
        return Scalar(_db, "SELECT 1 FROM done_units WHERE result_set = $s AND unit_key = $k;", null, ("$s", set), ("$k", unit.Text)) is not null;
    }

    /// <summary>The <see cref="UnitKey.Text"/> of every finished unit of one model and dataset: one query before a dataset's loop.</summary>
    public HashSet<string> DoneUnits(string model, string dataset)
    {
        long set = RequireActive().Id;
        using var cmd = Command("SELECT unit_key FROM done_units WHERE result_set = $s AND model = $m AND dataset = $d;", null,
            ("$s", set), ("$m", model), ("$d", dataset));
        using var r = cmd.ExecuteReader();
        var done = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) done.Add(r.GetString(0));
        return done;
    }

    /// <summary>
    /// Writes a unit's records and its completion marker in one transaction. Records already present
    /// (same key) are kept as they are: a re-run after a crash never duplicates and never rewrites.
    /// </summary>
    public void Commit(IReadOnlyList<ResultRecord> records, UnitKey unit) => Commit(records, new[] { unit });

    /// <summary>
    /// Writes a batch's records and the completion markers of all its units in one transaction: the
    /// runner commits whole batches, so after a kill a batch is either entirely there or entirely absent.
    /// </summary>
    public void Commit(IReadOnlyList<ResultRecord> records, IReadOnlyList<UnitKey> units)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(units);
        long set = RequireWritable().Id;
        using var tx = _db.BeginTransaction();
        InsertRecords(set, records, tx);
        string now = FormatTime(DateTimeOffset.UtcNow);
        foreach (var unit in units)
            Exec(_db, """
                INSERT OR IGNORE INTO done_units(result_set, unit_key, model, dataset, item_id, method_set, committed_utc)
                VALUES ($s, $k, $m, $d, $i, $ms, $t);
                """, tx, ("$s", set), ("$k", unit.Text), ("$m", unit.Model), ("$d", unit.Dataset), ("$i", unit.ItemId),
                ("$ms", unit.MethodSet), ("$t", now));
        tx.Commit();
    }

    /// <summary>Records an item that could not be evaluated. Committed at once; a second skip of the same item keeps the first reason.</summary>
    public void RecordSkip(string model, string dataset, string itemId, string reason)
    {
        long set = RequireWritable().Id;
        Exec(_db, "INSERT OR IGNORE INTO skipped(result_set, model, dataset, item_id, reason) VALUES ($s, $m, $d, $i, $r);", null,
            ("$s", set), ("$m", model), ("$d", dataset), ("$i", itemId), ("$r", reason));
    }

    /// <summary>Skipped items of the active set.</summary>
    public IReadOnlyList<SkippedItem> Skipped()
    {
        long set = RequireActive().Id;
        using var cmd = Command("SELECT model, dataset, item_id, reason FROM skipped WHERE result_set = $s ORDER BY model, dataset, item_id;", null, ("$s", set));
        using var r = cmd.ExecuteReader();
        var list = new List<SkippedItem>();
        while (r.Read()) list.Add(new SkippedItem(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return list;
    }

    /// <summary>Every record of the active set, in key order (stable across runs and merges).</summary>
    public IEnumerable<ResultRecord> ReadAll()
    {
        long set = RequireActive().Id;
        using var cmd = Command("""
            SELECT model, dataset, item_id, target, dataset_class, method, method_options, metric, metric_options, value, flagged, curve
            FROM results WHERE result_set = $s
            ORDER BY model, dataset, method, method_options, metric, metric_options, item_id, target;
            """, null, ("$s", set));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new ResultRecord(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3),
                r.IsDBNull(4) ? null : r.GetInt32(4),
                r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8),
                // SQLite stores NaN as NULL; read it back as NaN.
                r.IsDBNull(9) ? double.NaN : r.GetDouble(9),
                r.GetInt64(10) != 0,
                r.IsDBNull(11) ? null : DecodeCurve((byte[])r.GetValue(11)));
        }
    }

    /// <summary>Number of records and finished units of the active set.</summary>
    public (long Records, long Units) Counts()
    {
        long set = RequireActive().Id;
        long rec = (long)Scalar(_db, "SELECT COUNT(*) FROM results WHERE result_set = $s;", null, ("$s", set))!;
        long units = (long)Scalar(_db, "SELECT COUNT(*) FROM done_units WHERE result_set = $s;", null, ("$s", set))!;
        return (rec, units);
    }

    /// <summary>Finished units of the active set (for merging).</summary>
    public IReadOnlyList<UnitKey> ReadUnits()
    {
        long set = RequireActive().Id;
        using var cmd = Command("SELECT model, dataset, item_id, method_set FROM done_units WHERE result_set = $s ORDER BY unit_key;", null, ("$s", set));
        using var r = cmd.ExecuteReader();
        var list = new List<UnitKey>();
        while (r.Read()) list.Add(new UnitKey(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return list;
    }

    /// <summary>A free-form metadata value of the active set (e.g. "started_by", "merged_from"), or null.</summary>
    public string? GetMetadata(string key)
    {
        long set = RequireActive().Id;
        return Scalar(_db, "SELECT value FROM metadata WHERE result_set = $s AND key = $k;", null, ("$s", set), ("$k", key)) as string;
    }

    /// <summary>All metadata of the active set.</summary>
    public IReadOnlyDictionary<string, string> Metadata()
    {
        long set = RequireActive().Id;
        using var cmd = Command("SELECT key, value FROM metadata WHERE result_set = $s ORDER BY key;", null, ("$s", set));
        using var r = cmd.ExecuteReader();
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (r.Read()) d[r.GetString(0)] = r.GetString(1);
        return d;
    }

    public void SetMetadata(string key, string value)
    {
        long set = RequireWritable().Id;
        Exec(_db, "INSERT INTO metadata(result_set, key, value) VALUES ($s, $k, $v) ON CONFLICT(result_set, key) DO UPDATE SET value = excluded.value;", null,
            ("$s", set), ("$k", key), ("$v", value));
    }

    /// <summary>
    /// Copies records, units and skips into the active (writable) set in one transaction; used by
    /// <see cref="ShardMerger"/>. Returns how many records were already present (same key).
    /// </summary>
    internal int Import(IReadOnlyList<ResultRecord> records, IReadOnlyList<UnitKey> units, IReadOnlyList<SkippedItem> skipped)
    {
        long set = RequireWritable().Id;
        using var tx = _db.BeginTransaction();
        int inserted = InsertRecords(set, records, tx);
        string now = FormatTime(DateTimeOffset.UtcNow);
        foreach (var u in units)
            Exec(_db, """
                INSERT OR IGNORE INTO done_units(result_set, unit_key, model, dataset, item_id, method_set, committed_utc)
                VALUES ($s, $k, $m, $d, $i, $ms, $t);
                """, tx, ("$s", set), ("$k", u.Text), ("$m", u.Model), ("$d", u.Dataset), ("$i", u.ItemId), ("$ms", u.MethodSet), ("$t", now));
        foreach (var s in skipped)
            Exec(_db, "INSERT OR IGNORE INTO skipped(result_set, model, dataset, item_id, reason) VALUES ($s, $m, $d, $i, $r);", tx,
                ("$s", set), ("$m", s.Model), ("$d", s.Dataset), ("$i", s.ItemId), ("$r", s.Reason));
        tx.Commit();
        return records.Count - inserted;
    }

    private int InsertRecords(long set, IReadOnlyList<ResultRecord> records, SqliteTransaction tx)
    {
        using var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT OR IGNORE INTO results(result_set, model, dataset, item_id, target, dataset_class, method, method_options, metric, metric_options, value, flagged, curve)
            VALUES ($s, $model, $dataset, $item, $target, $class, $method, $mopt, $metric, $xopt, $value, $flagged, $curve);
            """;
        var p = new[] { "$s", "$model", "$dataset", "$item", "$target", "$class", "$method", "$mopt", "$metric", "$xopt", "$value", "$flagged", "$curve" }
            .Select(n => cmd.Parameters.Add(new SqliteParameter { ParameterName = n })).ToArray();
        cmd.Prepare();
        int inserted = 0;
        foreach (var rec in records)
        {
            p[0].Value = set;
            p[1].Value = rec.Model;
            p[2].Value = rec.Dataset;
            p[3].Value = rec.ItemId;
            p[4].Value = rec.Target;
            p[5].Value = rec.DatasetClass is int c ? c : DBNull.Value;
            p[6].Value = rec.Method;
            p[7].Value = rec.MethodOptions;
            p[8].Value = rec.Metric;
            p[9].Value = rec.MetricOptions;
            p[10].Value = double.IsNaN(rec.Value) ? DBNull.Value : rec.Value;
            p[11].Value = rec.Flagged ? 1 : 0;
            p[12].Value = rec.Curve is { } curve ? EncodeCurve(curve) : DBNull.Value;
            inserted += cmd.ExecuteNonQuery();
        }
        return inserted;
    }

    /// <summary>Curves are stored as little-endian float64 bytes (8 bytes per point).</summary>
    internal static byte[] EncodeCurve(double[] curve)
    {
        var bytes = MemoryMarshal.AsBytes(curve.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the journal stores little-endian float64 curves");
        return bytes;
    }

    internal static double[] DecodeCurve(byte[] blob)
    {
        if (blob.Length % 8 != 0) throw new InvalidDataException($"curve blob of {blob.Length} bytes is not a float64 array");
        return MemoryMarshal.Cast<byte, double>(blob).ToArray();
    }

    private ResultSetInfo RequireActive() =>
        _active ?? throw new InvalidOperationException($"{Path}: the journal holds no result set yet (the runner starts one with BeginResultSet)");

    private ResultSetInfo RequireWritable() =>
        _writable && _active is not null ? _active
            : throw new InvalidOperationException($"{Path}: call BeginResultSet(metadata) before writing, so results are filed under their protocol fingerprint");

    private SqliteCommand Command(string sql, SqliteTransaction? tx, params (string Name, object? Value)[] args)
    {
        var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd;
    }

    private static object? Scalar(SqliteConnection db, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        return cmd.ExecuteScalar();
    }

    private static void Exec(SqliteConnection db, string sql, SqliteTransaction? tx = null, params (string Name, object? Value)[] args)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in args) cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        cmd.ExecuteNonQuery();
    }

    private static string FormatTime(DateTimeOffset t) => t.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset ParseTime(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    public void Dispose() => _db.Dispose();
}
