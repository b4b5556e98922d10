using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using GuidedCam.Core;
using GuidedCam.Harness.Datasets;

namespace GuidedCam.Harness.Results;

/// <summary>
/// The crash-safe cell store of a run folder (<c>&lt;run&gt;/journal.sqlite</c>).
/// <para>
/// Contents: every value ever computed into the folder as a cell keyed by identities — (model key,
/// dataset key, item, target, method key, metric key) — whatever config asked for it; per item the
/// units of the clean forward (top-1, logits, ground-truth targets); the map store (one map per model,
/// dataset, item, target and method); completion marks; skipped items; and one row per run with its
/// resolved config and its view (the cells that config asked for). Nothing is ever deleted: a config
/// with fewer methods is a smaller view, not a smaller journal.
/// </para>
/// <para>
/// Durability: SQLite in WAL mode with <c>synchronous=FULL</c>. A batch's units, maps, values and marks
/// are written in ONE transaction (<see cref="Commit"/>), so after a kill or a power loss the journal
/// holds all of a batch or none of it, and a mark never claims a value that is missing. FULL fsyncs the
/// WAL at every commit (milliseconds, against seconds of model compute per batch). WAL lets `report`
/// read while a run writes. Cells are written with INSERT OR IGNORE: a re-run never duplicates and never
/// rewrites a value.
/// </para>
/// </summary>
public sealed class ResultJournal : IDisposable
{
    public const string FileName = "journal.sqlite";
    /// <summary>3: option texts escape ; = [ ] @ \ (<see cref="OptionResolver.Canonical"/>). 2 had the same layout with unescaped texts.</summary>
    public const int SchemaVersion = 3;

    private readonly SqliteConnection _db;

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
    /// A journal of the earlier result-set format is refused with one line (<see cref="InvalidDataException"/>),
    /// never written into.
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
            RefuseEarlierFormat(db, full);
            string mode = Scalar(db, "PRAGMA journal_mode=WAL;")?.ToString() ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
                throw new IOException($"{full}: SQLite refused WAL journal mode (got '{mode}'); is the folder on a file system without shared-memory support?");
            Exec(db, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;");
            var journal = new ResultJournal(full, db);
            journal.CreateSchema();
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

    /// <summary>
    /// The result-set journals of earlier versions (schema 1: one result set per protocol, values keyed by
    /// names) cannot say which weights or preprocessing a value came from, so their values cannot become
    /// cells. They are left untouched and named in one line.
    /// </summary>
    private static void RefuseEarlierFormat(SqliteConnection db, string path)
    {
        bool hasSets = Scalar(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'result_sets';") is not null;
        bool hasInfo = Scalar(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_info';") is not null;
        long? version = hasInfo && Scalar(db, "SELECT version FROM schema_info LIMIT 1;") is long v ? v : null;
        if (!hasSets && version == 2)
        {
            UpgradeUnescapedKeys(db, path);
            return;
        }
        if (hasSets || (version is not null && version < SchemaVersion))
            throw new InvalidDataException(
                $"{path}: a journal of the earlier result-set format (schema {version ?? 1}); this guidedcam keeps cells (schema {SchemaVersion}) and does not write into it — run into a new folder (--out), the old folder stays readable by the guidedcam that wrote it");
        if (version is not null && version > SchemaVersion)
            throw new InvalidDataException($"{path}: journal schema {version} was written by a newer guidedcam; this one reads schema {SchemaVersion}");
    }

    /// <summary>
    /// Schema 2 wrote option texts unescaped. Every text it holds is read back under the old rule (parts
    /// split at ';', key and value at the first '=') and written in the escaped form: where that gives the
    /// same text for every cell, map and mark (no option held ; = [ ] @ or \ — true of every built-in
    /// option), no key changes and only the version number is raised. Otherwise the journal is refused in
    /// one line naming the first such text: its keys were ambiguous, and cells are never re-keyed silently.
    /// </summary>
    private static void UpgradeUnescapedKeys(SqliteConnection db, string path)
    {
        foreach (string sql in new[]
        {
            "SELECT DISTINCT method_options FROM cells", "SELECT DISTINCT metric_options FROM cells",
            "SELECT DISTINCT method_key FROM cells", "SELECT DISTINCT metric_key FROM cells",
            "SELECT DISTINCT method_key FROM maps", "SELECT DISTINCT method_key FROM marks", "SELECT DISTINCT metric_key FROM marks",
        })
        {
            using var cmd = db.CreateCommand();
            cmd.CommandText = sql + ";";
            using var r = cmd.ExecuteReader();
            bool isKey = sql.Contains("_key");
            while (r.Read())
            {
                string text = r.GetString(0);
                string options = isKey ? OptionsOfKey(text) : text;
                if (!SameUnderEscaping(options))
                    throw new InvalidDataException(
                        $"{path}: a journal of schema 2 whose option text '{text}' holds one of ; = [ ] @ \\ in a value, which made keys ambiguous; this guidedcam escapes them and does not re-key cells — run into a new folder (--out)");
            }
        }
        using var tx = db.BeginTransaction();
        Exec(db, $"UPDATE schema_info SET version = {SchemaVersion};", tx);
        tx.Commit();
    }

    /// <summary>The options part of a schema-2 key "id[options]" or "id[options]@seed" ("" when it has none).</summary>
    private static string OptionsOfKey(string key)
    {
        int open = key.IndexOf('[');
        int close = key.LastIndexOf(']');
        return open < 0 || close < open ? "" : key[(open + 1)..close];
    }

    private static bool SameUnderEscaping(string oldText)
    {
        if (oldText.Length == 0) return true;
        var parts = oldText.Split(';');
        if (parts.Any(p => p.IndexOf('=') <= 0)) return false;
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string p in parts)
            if (!d.TryAdd(p[..p.IndexOf('=')], p[(p.IndexOf('=') + 1)..])) return false;
        return OptionResolver.Canonical(d) == oldText;
    }

    private void CreateSchema()
    {
        using var tx = _db.BeginTransaction();
        Exec(_db, """
            CREATE TABLE IF NOT EXISTS schema_info(version INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS runs(
                id INTEGER PRIMARY KEY,
                fingerprint TEXT NOT NULL,
                config_hash TEXT NOT NULL,
                config_yaml TEXT NOT NULL,
                view_json TEXT NOT NULL,
                shard_index INTEGER,
                shard_count INTEGER,
                started_utc TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS metadata(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS models(key TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS datasets(key TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS units(
                model_key TEXT NOT NULL, dataset_key TEXT NOT NULL, item_id TEXT NOT NULL,
                top1 INTEGER NOT NULL, logits BLOB NOT NULL, ground_truth TEXT NOT NULL,
                PRIMARY KEY(model_key, dataset_key, item_id));
            CREATE TABLE IF NOT EXISTS maps(
                model_key TEXT NOT NULL, dataset_key TEXT NOT NULL, item_id TEXT NOT NULL, target INTEGER NOT NULL, method_key TEXT NOT NULL,
                kind INTEGER NOT NULL, rows INTEGER NOT NULL, cols INTEGER NOT NULL, input_h INTEGER NOT NULL, input_w INTEGER NOT NULL, data BLOB NOT NULL,
                PRIMARY KEY(model_key, dataset_key, item_id, target, method_key));
            CREATE TABLE IF NOT EXISTS cells(
                model_key TEXT NOT NULL, dataset_key TEXT NOT NULL, item_id TEXT NOT NULL, target INTEGER NOT NULL, dataset_class INTEGER,
                method TEXT NOT NULL, method_options TEXT NOT NULL, method_key TEXT NOT NULL,
                metric TEXT NOT NULL, metric_options TEXT NOT NULL, metric_key TEXT NOT NULL,
                value REAL, flagged INTEGER NOT NULL, curve BLOB,
                PRIMARY KEY(model_key, dataset_key, item_id, target, method_key, metric_key));
            CREATE TABLE IF NOT EXISTS marks(
                model_key TEXT NOT NULL, dataset_key TEXT NOT NULL, item_id TEXT NOT NULL, method_key TEXT NOT NULL, metric_key TEXT NOT NULL,
                PRIMARY KEY(model_key, dataset_key, item_id, method_key, metric_key));
            CREATE TABLE IF NOT EXISTS skipped(
                model_key TEXT NOT NULL, dataset_key TEXT NOT NULL, item_id TEXT NOT NULL, reason TEXT NOT NULL,
                PRIMARY KEY(model_key, dataset_key, item_id));
            """, tx);
        if (Scalar(_db, "SELECT version FROM schema_info LIMIT 1;", tx) is null)
            Exec(_db, $"INSERT INTO schema_info(version) VALUES ({SchemaVersion});", tx);
        tx.Commit();
    }

    // ---- runs and views ----

    /// <summary>Every run into this folder, oldest first (a run = one `guidedcam run`, a merge, or a shard).</summary>
    public IReadOnlyList<ResultSetInfo> Runs
    {
        get
        {
            using var cmd = Command("SELECT id, config_yaml, config_hash, fingerprint, shard_index, shard_count, started_utc, view_json FROM runs ORDER BY id;", null);
            using var r = cmd.ExecuteReader();
            var list = new List<ResultSetInfo>();
            while (r.Read())
            {
                Shard? shard = r.IsDBNull(4) ? null : new Shard(r.GetInt32(4), r.GetInt32(5));
                var t = ParseTime(r.GetString(6));
                list.Add(new ResultSetInfo(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), shard, t, t) { View = RunView.FromJson(r.GetString(7)) });
            }
            return list;
        }
    }

    /// <summary>The latest run: the one whose config the folder's config.yaml holds and `report` shows; null before the first.</summary>
    public ResultSetInfo? LatestRun => Runs.LastOrDefault();

    /// <summary>
    /// Records a run and its view. A folder keeps the shard of its first run: running another shard (or
    /// the whole config) into a shard's folder is an <see cref="ArgumentException"/>, because a merge reads
    /// each shard folder as one shard.
    /// </summary>
    public ResultSetInfo BeginRun(RunMetadata meta, RunView view)
    {
        ArgumentNullException.ThrowIfNull(meta);
        ArgumentNullException.ThrowIfNull(view);
        var first = Runs.FirstOrDefault();
        if (first is not null && !Equals(first.Shard, meta.Shard))
            throw new ArgumentException(
                $"{Path}: this folder holds shard {first.Shard?.ToString() ?? "(unsharded)"}; asked to run shard {meta.Shard?.ToString() ?? "(unsharded)"} — use another --out folder per shard");
        using var tx = _db.BeginTransaction();
        Exec(_db, """
            INSERT INTO runs(fingerprint, config_hash, config_yaml, view_json, shard_index, shard_count, started_utc)
            VALUES ($fp, $hash, $yaml, $view, $si, $sn, $now);
            """, tx, ("$fp", meta.ProtocolFingerprint), ("$hash", meta.ConfigHash), ("$yaml", meta.ConfigYaml), ("$view", view.ToJson()),
            ("$si", meta.Shard?.Index), ("$sn", meta.Shard?.Count), ("$now", FormatTime(DateTimeOffset.UtcNow)));
        tx.Commit();
        return Runs.Last();
    }

    /// <summary>Records what a model or dataset key stands for (the latest name wins; the description is fixed by the key).</summary>
    public void RegisterModel(ComponentIdentity id) => Register("models", id);
    public void RegisterDataset(ComponentIdentity id) => Register("datasets", id);

    private void Register(string table, ComponentIdentity id) =>
        Exec(_db, $"INSERT INTO {table}(key, name, description) VALUES ($k, $n, $d) ON CONFLICT(key) DO UPDATE SET name = excluded.name;", null,
            ("$k", id.Key), ("$n", id.Name), ("$d", id.Description));

    public IReadOnlyList<ComponentIdentity> Models => Identities("models");
    public IReadOnlyList<ComponentIdentity> Datasets => Identities("datasets");

    private List<ComponentIdentity> Identities(string table)
    {
        using var cmd = Command($"SELECT key, name, description FROM {table} ORDER BY name, key;", null);
        using var r = cmd.ExecuteReader();
        var list = new List<ComponentIdentity>();
        while (r.Read()) list.Add(new ComponentIdentity(r.GetString(0), r.GetString(1), r.GetString(2)));
        return list;
    }

    // ---- what a stage already has ----

    /// <summary>The stored units of every item of one model and dataset.</summary>
    public Dictionary<string, ItemUnits> ReadUnits(string modelKey, string datasetKey)
    {
        var d = new Dictionary<string, ItemUnits>(StringComparer.Ordinal);
        foreach (var u in ReadRows("SELECT item_id, top1, logits, ground_truth FROM units WHERE model_key = $m AND dataset_key = $d;", modelKey, datasetKey,
            r => new ItemUnits(r.GetString(0), r.GetInt64(1), MemoryMarshal.Cast<byte, float>((byte[])r.GetValue(2)).ToArray(), ItemUnits.ParseGroundTruth(r.GetString(3)))))
            d[u.ItemId] = u;
        return d;
    }

    /// <summary>(item, target, method key) of every stored map of one model and dataset.</summary>
    public HashSet<(string Item, long Target, string MethodKey)> ReadMapIndex(string modelKey, string datasetKey)
    {
        return ReadRows("SELECT item_id, target, method_key FROM maps WHERE model_key = $m AND dataset_key = $d;", modelKey, datasetKey,
            r => (r.GetString(0), r.GetInt64(1), r.GetString(2))).ToHashSet();
    }

    /// <summary>The stored maps of some items under one method.</summary>
    public List<StoredMap> ReadMaps(string modelKey, string datasetKey, string methodKey, IEnumerable<string> itemIds)
    {
        var list = new List<StoredMap>();
        using var cmd = Command("""
            SELECT item_id, target, kind, rows, cols, input_h, input_w, data FROM maps
            WHERE model_key = $m AND dataset_key = $d AND method_key = $k AND item_id = $i;
            """, null, ("$m", modelKey), ("$d", datasetKey), ("$k", methodKey), ("$i", ""));
        cmd.Prepare();
        foreach (string item in itemIds)
        {
            cmd.Parameters["$i"].Value = item;
            using var r = cmd.ExecuteReader();
            while (r.Read())
                list.Add(new StoredMap(r.GetString(0), r.GetInt64(1), methodKey, (StoredMapKind)r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), (byte[])r.GetValue(7)));
        }
        return list;
    }

    /// <summary>(item, method key, metric key) of every completion mark of one model and dataset.</summary>
    public HashSet<(string Item, string MethodKey, string MetricKey)> ReadMarks(string modelKey, string datasetKey)
    {
        return ReadRows("SELECT item_id, method_key, metric_key FROM marks WHERE model_key = $m AND dataset_key = $d;", modelKey, datasetKey,
            r => (r.GetString(0), r.GetString(1), r.GetString(2))).ToHashSet();
    }

    /// <summary>Skipped items of one model and dataset, with their reasons.</summary>
    public Dictionary<string, string> ReadSkipped(string modelKey, string datasetKey)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (item, reason) in ReadRows("SELECT item_id, reason FROM skipped WHERE model_key = $m AND dataset_key = $d;", modelKey, datasetKey,
            r => (r.GetString(0), r.GetString(1))))
            d[item] = reason;
        return d;
    }

    /// <summary>The rows of a query over one model ($m) and dataset ($d), each read by <paramref name="read"/>, in the order SQLite returns them.</summary>
    private List<T> ReadRows<T>(string sql, string modelKey, string datasetKey, Func<SqliteDataReader, T> read)
    {
        using var cmd = Command(sql, null, ("$m", modelKey), ("$d", datasetKey));
        using var r = cmd.ExecuteReader();
        var rows = new List<T>();
        while (r.Read()) rows.Add(read(r));
        return rows;
    }

    // ---- writing ----

    /// <summary>Writes a batch (units, maps, values, marks, skips) in one transaction. Rows already present are kept as they are.</summary>
    public void Commit(BatchCommit batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var tx = _db.BeginTransaction();
        string m = batch.ModelKey, d = batch.DatasetKey;
        if (batch.Units.Count > 0)
        {
            using var cmd = Prepared(tx, "INSERT OR IGNORE INTO units(model_key, dataset_key, item_id, top1, logits, ground_truth) VALUES ($m, $d, $i, $t, $l, $g);", "$m", "$d", "$i", "$t", "$l", "$g");
            foreach (var u in batch.Units)
                Run(cmd, m, d, u.ItemId, u.Top1, MemoryMarshal.AsBytes(u.Logits.AsSpan()).ToArray(), u.GroundTruthText);
        }
        if (batch.Maps.Count > 0)
        {
            using var cmd = Prepared(tx, """
                INSERT OR IGNORE INTO maps(model_key, dataset_key, item_id, target, method_key, kind, rows, cols, input_h, input_w, data)
                VALUES ($m, $d, $i, $t, $k, $kind, $r, $c, $h, $w, $data);
                """, "$m", "$d", "$i", "$t", "$k", "$kind", "$r", "$c", "$h", "$w", "$data");
            foreach (var map in batch.Maps)
                Run(cmd, m, d, map.ItemId, map.Target, map.MethodKey, (int)map.Kind, map.Rows, map.Cols, map.InputHeight, map.InputWidth, map.Data);
        }
        InsertCells(batch.Cells, tx);
        InsertMarks(batch.Marks, tx);
        if (batch.Skips.Count > 0)
        {
            using var cmd = Prepared(tx, "INSERT OR IGNORE INTO skipped(model_key, dataset_key, item_id, reason) VALUES ($m, $d, $i, $r);", "$m", "$d", "$i", "$r");
            foreach (var (item, reason) in batch.Skips) Run(cmd, m, d, item, reason);
        }
        tx.Commit();
    }

    private int InsertCells(IReadOnlyList<JournalCell> cells, SqliteTransaction tx)
    {
        if (cells.Count == 0) return 0;
        using var cmd = Prepared(tx, """
            INSERT OR IGNORE INTO cells(model_key, dataset_key, item_id, target, dataset_class, method, method_options, method_key, metric, metric_options, metric_key, value, flagged, curve)
            VALUES ($m, $d, $i, $t, $c, $me, $mo, $mk, $x, $xo, $xk, $v, $f, $cu);
            """, "$m", "$d", "$i", "$t", "$c", "$me", "$mo", "$mk", "$x", "$xo", "$xk", "$v", "$f", "$cu");
        int inserted = 0;
        foreach (var c in cells)
            inserted += Run(cmd, c.ModelKey, c.DatasetKey, c.ItemId, c.Target, c.DatasetClass, c.Method, c.MethodOptions, c.MethodKey,
                c.Metric, c.MetricOptions, c.MetricKey,
                // SQLite stores NaN as NULL; it is read back as NaN.
                double.IsNaN(c.Value) ? null : c.Value, c.Flagged ? 1 : 0, c.Curve is { } curve ? EncodeCurve(curve) : null);
        return inserted;
    }

    private void InsertMarks(IReadOnlyList<EvaluationMark> marks, SqliteTransaction tx)
    {
        if (marks.Count == 0) return;
        using var cmd = Prepared(tx, "INSERT OR IGNORE INTO marks(model_key, dataset_key, item_id, method_key, metric_key) VALUES ($m, $d, $i, $k, $x);", "$m", "$d", "$i", "$k", "$x");
        foreach (var mk in marks) Run(cmd, mk.ModelKey, mk.DatasetKey, mk.ItemId, mk.MethodKey, mk.MetricKey);
    }

    // ---- reading cells ----

    /// <summary>Every stored cell (merge, `report --list`), in key order.</summary>
    public IEnumerable<JournalCell> ReadAllCells()
    {
        using var cmd = Command("""
            SELECT model_key, dataset_key, item_id, target, dataset_class, method, method_options, method_key, metric, metric_options, value, flagged, curve
            FROM cells ORDER BY model_key, dataset_key, method_key, metric_key, item_id, target;
            """, null);
        using var r = cmd.ExecuteReader();
        while (r.Read()) yield return CellOf(r);
    }

    /// <summary>
    /// The cells a view selects, with the view's names, in table order (model, dataset, method, method
    /// options, metric, metric options, item, target; ordinal), so items.csv is stable across runs and merges.
    /// </summary>
    public List<ResultRecord> ReadView(RunView view, Shard? shard = null)
    {
        var methods = view.Methods.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var metrics = view.Metrics.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var records = new List<ResultRecord>();
        foreach (var model in view.Models)
            foreach (var ds in view.Datasets)
            {
                var items = ds.Items.Where(i => shard is null || shard.Owns(i)).ToHashSet(StringComparer.Ordinal);
                using var cmd = Command("""
                    SELECT model_key, dataset_key, item_id, target, dataset_class, method, method_options, method_key, metric, metric_options, value, flagged, curve
                    FROM cells WHERE model_key = $m AND dataset_key = $d;
                    """, null, ("$m", model.Key), ("$d", ds.Key));
                using var r = cmd.ExecuteReader();
                while (r.Read())
                {
                    var c = CellOf(r);
                    if (items.Contains(c.ItemId) && methods.Contains(c.MethodKey) && metrics.Contains(c.MetricKey))
                        records.Add(c.ToRecord(model.Name, ds.Name));
                }
            }
        records.Sort(RecordOrder);
        return records;
    }

    /// <summary>Skipped items of a view, with its names.</summary>
    public List<SkippedItem> ReadSkippedItems(RunView view, Shard? shard = null)
    {
        var list = new List<SkippedItem>();
        foreach (var model in view.Models)
            foreach (var ds in view.Datasets)
            {
                var items = ds.Items.Where(i => shard is null || shard.Owns(i)).ToHashSet(StringComparer.Ordinal);
                foreach (var (item, reason) in ReadSkipped(model.Key, ds.Key))
                    if (items.Contains(item)) list.Add(new SkippedItem(model.Name, ds.Name, item, reason));
            }
        return list.OrderBy(s => s.Model, StringComparer.Ordinal).ThenBy(s => s.Dataset, StringComparer.Ordinal).ThenBy(s => s.ItemId, StringComparer.Ordinal).ToList();
    }

    private static int RecordOrder(ResultRecord a, ResultRecord b)
    {
        int c = string.CompareOrdinal(a.Model, b.Model);
        if (c == 0) c = string.CompareOrdinal(a.Dataset, b.Dataset);
        if (c == 0) c = string.CompareOrdinal(a.Method, b.Method);
        if (c == 0) c = string.CompareOrdinal(a.MethodOptions, b.MethodOptions);
        if (c == 0) c = string.CompareOrdinal(a.Metric, b.Metric);
        if (c == 0) c = string.CompareOrdinal(a.MetricOptions, b.MetricOptions);
        if (c == 0) c = string.CompareOrdinal(a.ItemId, b.ItemId);
        if (c == 0) c = a.Target.CompareTo(b.Target);
        return c;
    }

    private static JournalCell CellOf(SqliteDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.IsDBNull(4) ? null : r.GetInt32(4),
        r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8), r.GetString(9),
        r.IsDBNull(10) ? double.NaN : r.GetDouble(10), r.GetInt64(11) != 0, r.IsDBNull(12) ? null : DecodeCurve((byte[])r.GetValue(12)));

    /// <summary>Counts of the whole journal: cells, maps, item units, marks, skipped items.</summary>
    public (long Cells, long Maps, long Units, long Marks, long Skipped) Counts() =>
        ((long)Scalar(_db, "SELECT COUNT(*) FROM cells;")!, (long)Scalar(_db, "SELECT COUNT(*) FROM maps;")!,
         (long)Scalar(_db, "SELECT COUNT(*) FROM units;")!, (long)Scalar(_db, "SELECT COUNT(*) FROM marks;")!, (long)Scalar(_db, "SELECT COUNT(*) FROM skipped;")!);

    /// <summary>Bytes of map data stored, per kind, and how many maps (README: map store size).</summary>
    public IReadOnlyList<(StoredMapKind Kind, long Maps, long Bytes)> MapStoreSize()
    {
        using var cmd = Command("SELECT kind, COUNT(*), SUM(LENGTH(data)) FROM maps GROUP BY kind ORDER BY kind;", null);
        using var r = cmd.ExecuteReader();
        var list = new List<(StoredMapKind, long, long)>();
        while (r.Read()) list.Add(((StoredMapKind)r.GetInt32(0), r.GetInt64(1), r.GetInt64(2)));
        return list;
    }

    /// <summary>What the journal holds, grouped for `report --list`: (model key, dataset key, method, method options, metric, metric options) with cell counts.</summary>
    public IReadOnlyList<(string ModelKey, string DatasetKey, string Method, string MethodOptions, string Metric, string MetricOptions, long Cells)> Catalog()
    {
        using var cmd = Command("""
            SELECT model_key, dataset_key, method, method_options, metric, metric_options, COUNT(*) FROM cells
            GROUP BY model_key, dataset_key, method_key, metric_key ORDER BY model_key, dataset_key, method, method_options, metric, metric_options;
            """, null);
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string, string, string, string, string, long)>();
        while (r.Read()) list.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6)));
        return list;
    }

    // ---- metadata ----

    /// <summary>A free-form metadata value of the folder (e.g. "merged_from", "partial"), or null.</summary>
    public string? GetMetadata(string key) => Scalar(_db, "SELECT value FROM metadata WHERE key = $k;", null, ("$k", key)) as string;

    public IReadOnlyDictionary<string, string> Metadata()
    {
        using var cmd = Command("SELECT key, value FROM metadata ORDER BY key;", null);
        using var r = cmd.ExecuteReader();
        var d = new SortedDictionary<string, string>(StringComparer.Ordinal);
        while (r.Read()) d[r.GetString(0)] = r.GetString(1);
        return d;
    }

    public void SetMetadata(string key, string value) =>
        Exec(_db, "INSERT INTO metadata(key, value) VALUES ($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value;", null, ("$k", key), ("$v", value));

    // ---- merging ----

    /// <summary>
    /// Copies every row of another journal into this one in one transaction (SQLite ATTACH). A cell present
    /// in both must hold the same value, flag and curve: otherwise nothing is copied and the first
    /// conflicting cell is named (<see cref="InvalidDataException"/>). Returns how many cells were new.
    /// </summary>
    internal long ImportFrom(string otherJournal)
    {
        Exec(_db, "ATTACH DATABASE $p AS other;", null, ("$p", otherJournal));
        try
        {
            using var tx = _db.BeginTransaction();
            using (var conflict = Command("""
                SELECT o.item_id, o.target, o.method_key, o.metric_key, o.value, c.value FROM other.cells o
                JOIN main.cells c ON c.model_key = o.model_key AND c.dataset_key = o.dataset_key AND c.item_id = o.item_id
                    AND c.target = o.target AND c.method_key = o.method_key AND c.metric_key = o.metric_key
                WHERE c.value IS NOT o.value OR c.flagged != o.flagged OR c.curve IS NOT o.curve LIMIT 1;
                """, tx))
            using (var r = conflict.ExecuteReader())
                if (r.Read())
                    throw new InvalidDataException(
                        $"{otherJournal}: cell {r.GetString(0)} target {r.GetInt64(1)}, {r.GetString(2)} × {r.GetString(3)} is {Show(r, 4)} there but {Show(r, 5)} already merged — " +
                        "the same cell computed twice must agree; were the folders run with different code or data?");
            long before = (long)Scalar(_db, "SELECT COUNT(*) FROM main.cells;", tx)!;
            Exec(_db, """
                INSERT OR IGNORE INTO main.models SELECT * FROM other.models;
                INSERT OR IGNORE INTO main.datasets SELECT * FROM other.datasets;
                INSERT OR IGNORE INTO main.units SELECT * FROM other.units;
                INSERT OR IGNORE INTO main.maps SELECT * FROM other.maps;
                INSERT OR IGNORE INTO main.cells SELECT * FROM other.cells;
                INSERT OR IGNORE INTO main.marks SELECT * FROM other.marks;
                INSERT OR IGNORE INTO main.skipped SELECT * FROM other.skipped;
                """, tx);
            long after = (long)Scalar(_db, "SELECT COUNT(*) FROM main.cells;", tx)!;
            tx.Commit();
            return after - before;
        }
        finally
        {
            Exec(_db, "DETACH DATABASE other;");
        }
    }

    private static string Show(SqliteDataReader r, int i) => r.IsDBNull(i) ? "NaN" : r.GetDouble(i).ToString("R", CultureInfo.InvariantCulture);

    // ---- encoding and SQL helpers ----

    /// <summary>Curves are stored as little-endian float64 bytes (8 bytes per point).</summary>
    internal static byte[] EncodeCurve(double[] curve)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the journal stores little-endian float64 curves");
        return MemoryMarshal.AsBytes(curve.AsSpan()).ToArray();
    }

    internal static double[] DecodeCurve(byte[] blob)
    {
        if (blob.Length % 8 != 0) throw new InvalidDataException($"curve blob of {blob.Length} bytes is not a float64 array");
        return MemoryMarshal.Cast<byte, double>(blob).ToArray();
    }

    private SqliteCommand Prepared(SqliteTransaction tx, string sql, params string[] names)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        foreach (string n in names) cmd.Parameters.Add(new SqliteParameter { ParameterName = n });
        cmd.Prepare();
        return cmd;
    }

    private static int Run(SqliteCommand cmd, params object?[] values)
    {
        for (int i = 0; i < values.Length; i++) cmd.Parameters[i].Value = values[i] ?? DBNull.Value;
        return cmd.ExecuteNonQuery();
    }

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
