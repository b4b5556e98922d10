using GuidedCam.Core;
using GuidedCam.Harness.Cli;
using GuidedCam.Harness.Config;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Running;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;
using GuidedCam.Harness.Results.Exporters;

namespace GuidedCam.Tests.Acceptance;

/// <summary>
/// docs/adding-a-metric.md and docs/adding-a-method.md to the letter: a metric and a method written
/// here, in the test assembly, with one class and one registration line each, show up in `validate`'s
/// plan, the console table, results.md, summary.csv and report.html — nothing else in the harness
/// knows them. The registrations go into catalogs of this test only; the built-in registries stay as
/// they are.
/// </summary>
public sealed class ExtensionAcceptanceTests : IDisposable
{
    private const string MetricId = "test-left-half";
    private const string MethodId = "test-ramp";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "gc-extension-" + Guid.NewGuid().ToString("N"));

    // The one registration line of each.
    private readonly MetricCatalog _metrics = MetricRegistry.BuiltIn.With(MetricId, o => new LeftHalfConfidenceMetric(o));
    private readonly MethodCatalog _methods = MethodRegistry.BuiltIn.With(MethodId, o => new RampMethod(o));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private ExperimentConfig Config(string modelLine = "models: [{arch: builtin}]") => ConfigLoader.Parse($"""
        name: extension
        seed: 0
        threads: 2
        batch-size: 4
        qualitative: 0
        {modelLine}
        datasets: [{"{"}kind: synthetic, count: 6, split: test{"}"}]
        methods: [center, {MethodId}]
        metrics: [sparsity, {MetricId}]
        """, Path.Combine(_root, "extension.yaml"));

    [Fact]
    public void A_metric_and_a_method_from_this_assembly_appear_in_the_plan_the_console_table_and_every_report_file()
    {
        TestSetup.Torch();
        Directory.CreateDirectory(_root);
        var cfg = Config();

        // validate: the plan lists both and its estimate reads their declared costs. Per item: one clean
        // forward, the maps (center 0, ramp 1) and the cells (the new metric's 1 forward for each of the two
        // methods, sparsity 0) = 4; 6 items = 24 image forwards, no backwards.
        using (var plan = RunPlan.Build(cfg, store: null, methods: _methods, metrics: _metrics))
        {
            Assert.Equal(24, plan.Stages.Single().Counts.Forwards);
            Assert.Equal(0, plan.Stages.Single().Counts.Backwards);
            string planText = Capture(console => ValidateCommand.PrintPlan(cfg, plan, againstRunDir: null, console));
            Assert.Contains(MethodId, planText);
            Assert.Contains(MetricId, planText);
        }

        string run = Path.Combine(_root, "run");
        var stats = new Experiment { Config = cfg, RunDir = run, Methods = _methods, Metrics = _metrics }.Execute();
        Assert.Equal(6, stats.ItemsComputed);
        var files = ReportBuilder.Build(run, metrics: _metrics);

        // Console table: the metric's own short name, before Sparsity (its Order 15 < 90).
        string table = Capture(console => SummaryConsoleTable.Print(run, _methods, _metrics, console));
        Assert.Contains(MethodId, table);
        Assert.True(table.IndexOf("Left %", StringComparison.Ordinal) is >= 0 and var left && left < table.IndexOf("Sparsity", StringComparison.Ordinal), table);

        string md = File.ReadAllText(Path.Combine(run, "results.md"));
        Assert.Contains(MethodId, md);
        Assert.True(md.IndexOf("Left-half confidence", StringComparison.Ordinal) is >= 0 and var mdLeft && mdLeft < md.IndexOf("Sparsity", StringComparison.Ordinal), md);
        var summary = File.ReadAllLines(Path.Combine(run, "summary.csv"));
        Assert.Contains(summary, l => l.Contains(MethodId, StringComparison.Ordinal) && l.Contains(MetricId, StringComparison.Ordinal));
        string html = File.ReadAllText(Path.Combine(run, "report.html"));
        Assert.Contains(MethodId, html);
        Assert.Contains("Left-half confidence", html);
        Assert.Contains(files, f => f.EndsWith("report.html", StringComparison.Ordinal));
    }

    [Fact]
    public void A_method_that_needs_a_spatial_layer_is_refused_on_a_flat_layer_by_validate()
    {
        TestSetup.Torch();
        // The built-in CNN's `classifier` is its linear layer: N×6, not N×K×h×w.
        var cfg = Config("models: [{arch: builtin, layer: classifier}]");
        var e = Assert.Throws<ConfigException>(() => ConfigValidator.Validate(cfg, methods: _methods, metrics: _metrics));
        string error = Assert.Single(e.Errors);
        Assert.Contains(MethodId, error);
        Assert.Contains("N×K×h×w", error);
    }

    private static string Capture(Action<IAnsiConsole> write)
    {
        var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 250;
        write(console);
        return writer.ToString();
    }

    /// <summary>
    /// p_c of the image with its right half set to 0 in normalised space (the dataset mean colour), in
    /// %: one forward per unit. The metric is arbitrary; what matters is that it declares itself.
    /// </summary>
    private sealed class LeftHalfConfidenceMetric(IReadOnlyDictionary<string, string>? options) : MetricBase(options)
    {
        public override string Id => MetricId;
        public override string DisplayName => "Left-half confidence";
        public override string ShortName => "Left %";
        public override int Order => 15;
        public override string Citation => "test double";
        public override ScoreDirection Direction => ScoreDirection.HigherIsBetter;
        public override string Unit => "%";
        public override MetricCost Cost(int inputHeight, int inputWidth) => new(new PassCost(1, 0));
        protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
        protected override IReadOnlyList<OptionSpec> ProtocolOptions => Array.Empty<OptionSpec>();

        protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
        {
            using var scope = torch.NewDisposeScope();
            using var noGrad = torch.no_grad();
            var x = batch.Inputs.detach().clone();
            long width = x.shape[3];
            x.narrow(3, width / 2, width - width / 2).zero_();
            var p = torch.softmax(batch.Model.Forward(x), 1).cpu();
            return batch.Units.Select((u, i) => ValueOf(u, 100.0 * p[i, u.ModelTarget].item<float>())).ToList();
        }
    }

    /// <summary>A left-to-right ramp, flipped for odd targets after one forward pass: any map will do.</summary>
    private sealed class RampMethod(IReadOnlyDictionary<string, string>? options) : ISaliencyMethod
    {
        public string Id => MethodId;
        public string DisplayName => "Ramp (test double)";
        public IReadOnlyDictionary<string, string> Options { get; } = OptionResolver.Resolve(MethodId, Array.Empty<OptionSpec>(), options);
        public bool IsBaseline => true;
        public MethodFamily Family => MethodFamily.Baseline;
        public MethodNeeds Needs => MethodNeeds.SpatialLayer;
        public PassCost Cost(int channels) => new(1, 0);

        public SaliencyResult Explain(SaliencyRequest request)
        {
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad()) request.Model.Forward(request.Input);
            long n = request.Input.shape[0], height = request.Input.shape[2], width = request.Input.shape[3];
            var ramp = torch.linspace(0, 1, width).expand(height, width);
            var maps = torch.stack(request.Targets.Select(t => t % 2 == 0 ? ramp : ramp.flip(1)).ToArray()).to(request.Input.device);
            return new SaliencyResult { Maps = scope.MoveToOuter(maps.contiguous()), ForwardPasses = 1 };
        }
    }
}
