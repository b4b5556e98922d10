using GuidedCam.Core;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// Test-only metrics, so engine tests do not depend on the metric implementations: a plain item mean
/// ("%", higher is better), a per-class mean (like the pointing game's TorchRay accuracy) and a curve
/// metric (AUC, lower is better, like deletion). They live in a catalog of their own that each test
/// asks for; the built-in registry never sees them.
/// </summary>
public static class FakeMetrics
{
    public const string Mean = "test-item-mean";
    public const string PerClass = "test-class-mean";
    public const string Curve = "test-curve-auc";

    /// <summary>The built-in metrics plus the three fakes: a new catalog per call.</summary>
    public static MetricCatalog Catalog() => MetricRegistry.BuiltIn
        .With(Mean, o => new FakeMetric(Mean, "Test score", "%", ScoreDirection.HigherIsBetter, perClass: false, o))
        .With(PerClass, o => new FakeMetric(PerClass, "Test class score", "%", ScoreDirection.HigherIsBetter, perClass: true, o))
        .With(Curve, o => new FakeMetric(Curve, "Test deletion", "AUC", ScoreDirection.LowerIsBetter, perClass: false, o));

    private sealed class FakeMetric(string id, string name, string unit, ScoreDirection direction, bool perClass, IReadOnlyDictionary<string, string>? options) : IMetric
    {
        public string Id => id;
        public string DisplayName => name;
        public string ShortName => id;
        public int Order => 1000;
        public MetricRequirements Requirements => MetricRequirements.None;
        public MetricCost Cost(int inputHeight, int inputWidth) => MetricCost.None;
        public string Citation => "test double";
        public ScoreDirection Direction => direction;
        public TargetSelection Target => TargetSelection.Predicted;
        public string Unit => unit;
        public IReadOnlyList<OptionSpec> DeclaredOptions => new[] { new OptionSpec("step", "1", "any option, to test option round trips") };
        public IReadOnlyDictionary<string, string> Options => options ?? new Dictionary<string, string>();
        public IReadOnlyList<MetricValue> Evaluate(MetricBatch batch) => throw new NotSupportedException("test metric: values are written by hand in the tests");
        public IMetricAccumulator CreateAccumulator() => perClass ? new PerClassAccumulator() : new ItemMeanAccumulator();
    }

    /// <summary>Mean and sample standard deviation (n − 1) over items.</summary>
    private sealed class ItemMeanAccumulator : IMetricAccumulator
    {
        private readonly List<MetricValue> _values = new();
        public void Update(IEnumerable<MetricValue> values) => _values.AddRange(values);
        public void Reset() => _values.Clear();
        public MetricSummary Summary()
        {
            if (_values.Count == 0) return new MetricSummary(double.NaN, double.NaN, 0, 0);
            double mean = _values.Average(v => v.Value);
            double std = _values.Count > 1 ? Math.Sqrt(_values.Sum(v => (v.Value - mean) * (v.Value - mean)) / (_values.Count - 1)) : 0;
            return new MetricSummary(mean, std, _values.Count, _values.Count(v => v.Flagged));
        }
    }

    /// <summary>Mean over dataset classes of each class's mean (TorchRay's pointing-game accuracy), plus the item mean as Extra.</summary>
    private sealed class PerClassAccumulator : IMetricAccumulator
    {
        private readonly List<MetricValue> _values = new();
        public void Update(IEnumerable<MetricValue> values) => _values.AddRange(values);
        public void Reset() => _values.Clear();
        public MetricSummary Summary()
        {
            if (_values.Count == 0) return new MetricSummary(double.NaN, double.NaN, 0, 0);
            double mean = _values.GroupBy(v => v.DatasetClass).Select(g => g.Average(v => v.Value)).Average();
            return new MetricSummary(mean, 0, _values.Count, 0) { Extra = new Dictionary<string, double> { ["item_mean"] = _values.Average(v => v.Value) } };
        }
    }
}
