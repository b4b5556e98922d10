using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;

namespace GuidedCam.Harness.Running;

/// <summary>
/// One `guidedcam run`: validate everything, prepare the run folder (resolved `config.yaml`, `run.log`,
/// the journal with this protocol's result set), run or resume, then rebuild the report from the
/// journal. What was committed before a crash or kill is kept and skipped on the next run.
/// </summary>
public sealed class Experiment
{
    public required ExperimentConfig Config { get; init; }
    public required string RunDir { get; init; }
    public Shard Shard { get; init; } = Shard.All;

    public static string DefaultRunDir(ExperimentConfig cfg) => Path.Combine(cfg.Output, cfg.Name);

    public RunStats Execute(Func<Func<IRunProgress, RunStats>, RunStats>? withProgress = null, Action<string>? console = null, CancellationToken cancel = default)
    {
        ConfigValidator.Validate(Config);
        // Refuses a non-empty folder that is not a run folder and a second writer, before anything is written.
        using var folder = RunFolder.Lock(RunDir, "run");
        string logPath = Path.Combine(RunDir, "run.log");
        using var log = RunFolder.Writing(logPath, () => new StreamWriter(logPath, append: true) { AutoFlush = true });
        void LogOnly(string line) => RunFolder.Writing(logPath, () => log.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}"));
        void Log(string line)
        {
            LogOnly(line);
            console?.Invoke(line);
        }
        var runner = new Runner(Config, LogOnly);
        string resolved = ResolvedConfig.ToYaml(Config, runner.Methods, runner.Metrics);
        string configPath = Path.Combine(RunDir, "config.yaml");
        RunFolder.Writing(configPath, () => File.WriteAllText(configPath, resolved));
        string fingerprint = ResolvedConfig.Fingerprint(Config, runner.Methods, runner.Metrics);
        using var journal = ResultJournal.Open(RunLayout.Journal(RunDir));
        var set = journal.BeginResultSet(new RunMetadata(resolved, RunMetadata.Sha256(resolved), fingerprint, Shard.Count == 1 ? null : Shard));
        if (folder.TakenOverFrom is { } killed) Log($"took over the run folder from a writer that ended without releasing it ({killed})");
        Log($"run {Config.Name} from {Config.SourcePath}: result set {set.Id} (protocol {fingerprint}){(Shard.Count > 1 ? $", shard {Shard}" : "")}");
        var sink = new JournalSink(journal);
        RunStats Body(IRunProgress progress) => runner.Run(RunDir, sink, progress, Shard.Count == 1 ? null : Shard.Select, cancel);
        var stats = withProgress is null ? Body(new NullProgress()) : withProgress(Body);
        Log($"done: {stats.ItemsComputed} items computed, {stats.ItemsResumed} already in the journal, {stats.ItemsSkipped} skipped, {stats.Records} values, {stats.ConstantMaps} constant maps");
        return stats;
    }

    private sealed class NullProgress : IRunProgress
    {
        public void StartStage(string name, int totalItems) { }
        public void Advance(int items) { }
        public void EndStage() { }
    }
}
