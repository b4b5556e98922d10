using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Methods;
using GuidedCam.Metrics;

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
    /// <summary>Where the config's method ids are looked up (an extension or a test adds its own methods here).</summary>
    public MethodCatalog Methods { get; init; } = MethodRegistry.BuiltIn;
    /// <summary>Where the config's metric ids are looked up.</summary>
    public MetricCatalog Metrics { get; init; } = MetricRegistry.BuiltIn;

    public static string DefaultRunDir(ExperimentConfig cfg) => Path.Combine(cfg.Output, cfg.Name);

    public RunStats Execute(Func<Func<IRunProgress, RunStats>, RunStats>? withProgress = null, Action<string>? console = null, CancellationToken cancel = default)
    {
        ConfigValidator.Validate(Config, methods: Methods, metrics: Metrics);
        Directory.CreateDirectory(RunDir);
        using var log = new StreamWriter(Path.Combine(RunDir, "run.log"), append: true) { AutoFlush = true };
        void Log(string line)
        {
            log.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}");
            console?.Invoke(line);
        }
        var runner = new Runner(Config, line => log.WriteLine($"{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss}Z {line}"), Methods, Metrics);
        string resolved = ResolvedConfig.ToYaml(Config, runner.Methods, runner.Metrics);
        File.WriteAllText(Path.Combine(RunDir, "config.yaml"), resolved);
        string fingerprint = ResolvedConfig.Fingerprint(Config, runner.Methods, runner.Metrics);
        using var journal = ResultJournal.Open(RunLayout.Journal(RunDir));
        var set = journal.BeginResultSet(new RunMetadata(resolved, RunMetadata.Sha256(resolved), fingerprint, Shard.Count == 1 ? null : Shard));
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
