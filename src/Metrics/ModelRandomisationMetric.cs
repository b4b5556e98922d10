using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// Model-parameter randomisation test (Adebayo et al. 2018, "Sanity Checks for Saliency Maps",
/// NeurIPS, Sec. 3.1; Quantus' ModelParameterRandomisation). Layers with parameters are re-initialised
/// from the output towards the input — cumulatively (`mode: cascading`: depth d randomises the d
/// layers nearest the logits) or one at a time (`independent`: depth d randomises only the d-th) — with
/// their default initialisation drawn from the run seed and the layer's index, the method's map is
/// computed again for the same target, and compared with the map of the trained model by Spearman's ρ
/// or SSIM (<see cref="MapSimilarity"/>). The value of a unit is the mean similarity over the evaluated
/// depths (lower = the map depends on the weights = the method passes); the similarity at each depth is
/// kept as the unit's curve. `layers: every-k` evaluates depths 1, 1 + k, 1 + 2k, … (all ≤ the number
/// of layers), so the first point is always the output layer alone.
///
/// A method that draws random numbers (the `random` baseline) gets a fresh seed at each depth, so its
/// map is a new draw, as asking a random explainer again would give; the trained model's map is the one
/// the run already computed. A map that ignores the model (the `center` baseline) stays at 1.
/// </summary>
public sealed class ModelRandomisationMetric : MetricBase, ICurveAxis, IDisposable
{
    public const string MetricId = "model-randomisation";
    public const string ModeKey = "mode";
    public const string Cascading = "cascading";
    public const string Independent = "independent";
    public const string SimilarityKey = "similarity";
    public const string Spearman = "spearman";
    public const string Ssim = "ssim";
    public const string LayersKey = "layers";

    private static readonly IReadOnlyList<OptionSpec> Specs =
    [
        new(ModeKey, Cascading, "cascading: randomise one more layer per step, from the logits towards the input; independent: one layer at a time", [Cascading, Independent]),
        new(SimilarityKey, Spearman, "map similarity: Spearman rank correlation (ties by average rank) or SSIM (7×7 uniform window, Wang et al. 2004)", [Spearman, Ssim]),
        new(LayersKey, "all", "which depths are evaluated: all, or every-k (depths 1, 1 + k, 1 + 2k, …)"),
    ];

    private readonly RandomizedModelCache _cache = new();

    public ModelRandomisationMetric(IReadOnlyDictionary<string, string>? options = null) : base(options)
    {
        Stride = ParseLayers(Options[LayersKey]);
    }

    public override string Id => MetricId;
    public override string DisplayName => $"Model randomisation ({(Options[SimilarityKey] == Ssim ? "mean SSIM" : "mean Spearman ρ")}, {Options[ModeKey]})";
    public override string ShortName => Options[SimilarityKey] == Ssim ? "MPRT SSIM" : "MPRT ρ";
    public override int Order => 110;
    public override string Citation => "Adebayo et al. 2018, Sanity Checks for Saliency Maps (NeurIPS), Sec. 3.1; Quantus ModelParameterRandomisation";
    public override ScoreDirection Direction => ScoreDirection.LowerIsBetter;
    public override string Unit => Options[SimilarityKey] == Ssim ? "SSIM" : "ρ";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => Specs;

    /// <summary>k of `layers: every-k` (1 for `all`).</summary>
    public int Stride { get; }

    /// <summary>The randomised depths evaluated for a model with <paramref name="layerCount"/> parameterised layers: 1, 1 + k, … ≤ count.</summary>
    public static IReadOnlyList<int> Depths(int layerCount, int stride)
    {
        var d = new List<int>();
        for (int depth = 1; depth <= layerCount; depth += stride) d.Add(depth);
        return d;
    }

    /// <summary>Curve point p is depth 1 + p·k (<see cref="Depths"/>): the number of layers randomised, or the layer randomised alone.</summary>
    public double CurvePosition(int point, int points) => 1 + point * Stride;
    public string CurveXLabel => Options[ModeKey] == Independent
        ? "Layer randomised alone (1 = the output layer)"
        : "Layers randomised, from the output towards the input (0 = trained model)";
    public string CurveYLabel => $"Similarity to the trained model's map ({Unit})";
    /// <summary>A method that passes falls towards 0 at once and a model-blind map stays at 1 along the top: the lower left stays free.</summary>
    public CurveLegendCorner LegendCorner => CurveLegendCorner.LowerLeft;
    /// <summary>The trained model (depth 0) gives the map itself: similarity 1.</summary>
    public (double X, double Y)? CurveOrigin => (0, 1);
    /// <summary>Similarity against depth is no deletion-style curve: its figures have their own name.</summary>
    public string CurveFigureName => "randomisation";

    public override string? Unsupported(IClassifier model) => Randomizable(model) switch
    {
        { ParameterizedLayers.Count: 0 } => $"metric '{Id}': model '{model.Name}' has no layer with parameters to randomise",
        not null => null,
        _ => $"metric '{Id}' needs a model that can re-initialise its layers (TorchVision architectures, the built-in CNN, ONNX graphs); model '{model.Name}' cannot",
    };

    public override int Reexplanations(IClassifier model) =>
        Randomizable(model) is { } r ? Depths(r.ParameterizedLayers.Count, Stride).Count : 0;

    /// <summary>The randomisable model behind the counting and fixed-batch views (which its copies then get too), or null.</summary>
    private static IRandomizableClassifier? Randomizable(IClassifier model) => ClassifierView.Find<IRandomizableClassifier>(model).Found;

    protected override IReadOnlyList<MetricValue> Compute(MetricBatch batch)
    {
        if (Unsupported(batch.Model) is { } why) throw new ArgumentException(why);
        var reexplain = batch.Reexplain ?? throw new ArgumentException($"metric '{Id}' recomputes the method's maps on randomised models, but this caller cannot run the method again");
        var model = Randomizable(batch.Model)!;
        var depths = Depths(model.ParameterizedLayers.Count, Stride);
        int n = batch.Units.Count;
        var curves = new double[n][];
        var flagged = new bool[n];
        for (int i = 0; i < n; i++) curves[i] = new double[depths.Count];
        bool cascading = Options[ModeKey] == Cascading;
        bool ssim = Options[SimilarityKey] == Ssim;
        var targets = batch.Targets;
        float[][]? trained = ssim ? null : Rows(batch.Maps);
        for (int s = 0; s < depths.Count; s++)
        {
            int d = depths[s];
            int[] layers = cascading ? Enumerable.Range(0, d).ToArray() : [d - 1];
            IClassifier randomised = ClassifierView.Find<IRandomizableClassifier>(batch.Model).Rewrap(_cache.Get(model, layers, batch.Seed));
            using var scope = torch.NewDisposeScope();
            var maps = reexplain(randomised, batch.Inputs, targets, StepSeed(batch.Seed, d));
            if (maps.dim() != 3 || !maps.shape.SequenceEqual(batch.Maps.shape))
                throw new InvalidOperationException($"metric '{Id}': the re-explained maps are [{string.Join("×", maps.shape)}], the trained model's [{string.Join("×", batch.Maps.shape)}]");
            if (ssim)
            {
                var values = MapSimilarity.Ssim(batch.Maps, maps);
                for (int i = 0; i < n; i++) curves[i][s] = values[i];
            }
            else
            {
                var rows = Rows(maps);
                for (int i = 0; i < n; i++)
                {
                    curves[i][s] = MapSimilarity.Spearman(trained![i], rows[i], out bool undefined);
                    flagged[i] |= undefined;
                }
            }
        }
        return Enumerable.Range(0, n).Select(i => ValueOf(batch.Units[i], curves[i].Average(), flagged[i], curves[i])).ToArray();
    }

    public void Dispose() => _cache.Dispose();

    private static float[][] Rows(Tensor maps)
    {
        using var flat = maps.detach().reshape(maps.shape[0], -1).to(ScalarType.Float32).cpu();
        var all = flat.data<float>().ToArray();
        long len = flat.shape[1];
        return Enumerable.Range(0, (int)flat.shape[0]).Select(i => all.AsSpan((int)(i * len), (int)len).ToArray()).ToArray();
    }

    /// <summary>The seed handed to the method at depth d: a fresh stream per depth (SplitMix64 finaliser of (seed, d)).</summary>
    private static int StepSeed(int seed, int depth) => (int)(DefaultInitialization.LayerSeed(seed, 1_000_000 + depth) & 0x7FFFFFFF);

    private static int ParseLayers(string value)
    {
        if (value == "all") return 1;
        const string prefix = "every-";
        if (value.StartsWith(prefix, StringComparison.Ordinal) && int.TryParse(value[prefix.Length..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k) && k >= 1)
            return k;
        throw new ArgumentException($"'{MetricId}.{LayersKey}' must be all or every-k with a whole number k ≥ 1 (e.g. every-5), not '{value}'");
    }
}
