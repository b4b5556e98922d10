using GuidedCam.Harness.Config;
using GuidedCam.Harness.Datasets;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Harness.Running;

/// <summary>
/// One `guidedcam run`: plan against the run folder's journal (validating everything, loading each
/// model once), print the plan, record the run and its view, execute the plan, and log what was spent.
/// The folder's config.yaml becomes this run's resolved config: `report` shows what the latest run
/// asked for, `report --list` everything the journal holds. What was committed before a crash or kill
/// is kept and not recomputed.
/// </summary>
public sealed class Experiment
{
    public required ExperimentConfig Config { get; init; }
    public required string RunDir { get; init; }
    public Shard Shard { get; init; } = Shard.All;
    /// <summary>Where the config's method ids are looked up (an extension or a test adds its own methods here).</summary>
    public MethodCatalog Methods { get; init; } = MethodRegistry.BuiltIn;
    /// <summary>Where the config's metric ids are looked up.</summary>
    public MetricCatalog Metrics { get; init; } = MetricRegistry.BuiltIn;

    public static string DefaultRunDir(ExperimentConfig cfg) => Path.Combine(cfg.Output, cfg.Name);

    public RunStats Execute(Func<Func<IRunProgress, RunStats>, RunStats>? withProgress = null, Action<string>? console = null, CancellationToken cancel = default)
    {
        try { return ExecuteLocked(withProgress, console, cancel); }
        catch (Microsoft.Data.Sqlite.SqliteException e)
        {
            // A journal write that failed (disk full, file size limit, read-only file): SQLite rolled the
            // transaction back, so what was committed before stays committed.
            string journal = Path.GetFullPath(ResultJournal.PathIn(RunDir));
            throw new IOException($"{journal}: cannot write the result journal ({e.Message.TrimEnd('.')}); batches committed before are kept and the next run resumes after them", e);
        }
    }

    private RunStats ExecuteLocked(Func<Func<IRunProgress, RunStats>, RunStats>? withProgress, Action<string>? console, CancellationToken cancel)
    {
        // A folder that exists, is not empty and holds no journal is someone else's data: refused untouched.
        RunFolder.RequireWritable(RunDir, "run");
        bool existed = File.Exists(ResultJournal.PathIn(RunDir));
        // Validate and load before touching the folder: a bad config leaves it as it was.
        using var journal = existed ? ResultJournal.Open(ResultJournal.PathIn(RunDir), create: false) : null;
        var store = journal is null ? null : new JournalSink(journal, RunDir);
        using var plan = RunPlan.Build(Config, store, Shard, Methods, Metrics);
        // One writer at a time; a second one stops here, before writing anything, naming the holder.
        using var folder = RunFolder.Lock(RunDir, "run");
        string logPath = Path.Combine(RunDir, "run.log");
        using var log = RunFolder.Writing(logPath, () => new StreamWriter(logPath, append: true) { AutoFlush = true });
        void Log(string line) => RunFolder.Writing(logPath, () => log.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}"));
        void Say(string line)
        {
            Log(line);
            console?.Invoke(line);
        }
        using var created = journal is null ? ResultJournal.Open(ResultJournal.PathIn(RunDir)) : null;
        var j = journal ?? created!;
        var sink = new JournalSink(j, RunDir);
        string resolved = ResolvedConfig.ToYaml(Config, plan.Methods, plan.Metrics);
        string fingerprint = ResolvedConfig.Fingerprint(Config, plan.Methods, plan.Metrics);
        var run = j.BeginRun(new RunMetadata(resolved, RunMetadata.Sha256(resolved), fingerprint, Shard.Count == 1 ? null : Shard), plan.View);
        foreach (var stage in plan.Stages)
        {
            j.RegisterModel(stage.ModelId);
            j.RegisterDataset(stage.DatasetId);
        }
        string configPath = Path.Combine(RunDir, "config.yaml");
        RunFolder.Writing(configPath, () => File.WriteAllText(configPath, resolved));
        if (folder.TakenOverFrom is { } killed) Say($"took over the run folder from a writer that ended without releasing it ({killed})");
        Say($"run {Config.Name} from {Config.SourcePath}: run {run.Id} in {RunDir} (protocol {fingerprint}){(Shard.Count > 1 ? $", shard {Shard}" : "")}");
        foreach (string line in PlanText.Lines(plan)) Say(line);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        RunStats Body(IRunProgress progress) => Runner.Execute(plan, sink, progress, Log, cancel);
        var stats = withProgress is null ? Body(new NullProgress()) : withProgress(Body);
        Log($"done in {watch.Elapsed.TotalSeconds:F1} s: {stats.ItemsComputed} items computed, {stats.ItemsResumed} already in the journal, {stats.ItemsSkipped} skipped, " +
            $"{stats.Records} values, {stats.MapsComputed} maps computed, {stats.ConstantMaps} constant maps");
        Log($"spent: {stats.ImagesForwarded} image forwards ({stats.ForwardTime.TotalSeconds:F1} s inside forwards), {stats.ImagesBackward} image backwards; " +
            $"planned {(plan.Stages.Any(s => s.Counts.CellsAtLeast) ? "≥ " : "")}{plan.Stages.Sum(s => s.Counts.Forwards)} forwards, {plan.Stages.Sum(s => s.Counts.Backwards)} backwards");
        return stats;
    }

    private sealed class NullProgress : IRunProgress
    {
        public void StartStage(string name, int totalItems) { }
        public void Advance(int items) { }
        public void EndStage() { }
    }
}
