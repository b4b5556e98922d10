using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using GuidedCam.Core;
using GuidedCam.Harness.Config;
using CsvHelper;
using GuidedCam.Harness.Results;
using GuidedCam.Harness.Results.Exporters;
using GuidedCam.Harness.Running;
using GuidedCam.Metrics;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Cli;

/// <summary>
/// `guidedcam score`: any metric on saliency maps made elsewhere (another library, an earlier run), so
/// the numbers of two tools can be compared on the same maps. Writes `DIR/scores.csv` (sample, metric,
/// metric_options, value: one row per sample and metric) and `DIR/curves.csv` (sample, metric,
/// metric_options, point, value) for the metrics that keep curves (deletion, insertion, road).
/// </summary>
public static class ScoreCommand
{
    public static Command Create()
    {
        var model = new Option<string>("--model") { Description = "builtin, a TorchVision arch (resnet18…152, vgg11…19[_bn], alexnet, googlenet, inception_v3, mobilenet_v2, mobilenet_v3_small/large) or an .onnx file", Required = true };
        var weights = new Option<string?>("--weights") { Description = "weights file (.pth, .safetensors, or the built-in model's .dat)" };
        var layer = new Option<string?>("--layer") { Description = "target layer (module path or ONNX tensor name); default: the model's" };
        var input = new Option<string>("--input") { Description = "an image file (preprocessed as the model expects) or a .npy tensor N×3×H×W / 3×H×W used as is", Required = true };
        var map = new Option<string>("--map") { Description = ".npy saliency map H×W (one sample) or N×H×W (one per sample), at the input's size, values in [0, 1]", Required = true };
        var target = new Option<string>("--target") { Description = "the explained class: a class index, or top1 (each sample's prediction)", Required = true };
        var metrics = new Option<string>("--metrics") { Description = "comma-separated metric ids (default options), or a YAML file with a `metrics:` list as in a run config (for options)", Required = true };
        var boxes = new Option<string?>("--boxes") { Description = "ground-truth boxes of the target class for the region metrics: x0,y0,x1,y1;… in original-image pixels (input pixels for a .npy input)" };
        var outDir = new Option<string>("--out") { Description = "output folder", Required = true };
        var seed = new Option<int>("--seed") { Description = "seed of metrics with randomness (ROAD's imputation noise) unless the YAML sets one", DefaultValueFactory = _ => 0 };
        var batchSize = new Option<int>("--batch-size") { Description = "samples per metric batch", DefaultValueFactory = _ => 16 };
        var cmd = new Command("score", "Score saliency maps made elsewhere with GuidedCam's metrics; writes scores.csv and curves.csv.")
        {
            model, weights, layer, input, map, target, metrics, boxes, outDir, seed, batchSize,
        };
        cmd.SetAction(r => CliErrors.Guard(() => Run(new ScoreRequest
        {
            Model = r.GetValue(model)!, Weights = r.GetValue(weights), Layer = r.GetValue(layer), Input = r.GetValue(input)!,
            Map = r.GetValue(map)!, Target = r.GetValue(target)!, Metrics = r.GetValue(metrics)!, Boxes = r.GetValue(boxes),
            Out = r.GetValue(outDir)!, Seed = r.GetValue(seed), BatchSize = r.GetValue(batchSize),
        })));
        return cmd;
    }

    public static int Run(ScoreRequest request)
    {
        if (request.BatchSize < 1) throw new ArgumentException($"--batch-size must be ≥ 1, not {request.BatchSize}");
        if (request.Seed < 0) throw new ArgumentException($"--seed must be ≥ 0, not {request.Seed}");
        // Everything the user gave is checked before the model is loaded.
        var metrics = ParseMetrics(request.Metrics, request.Seed);
        var boxes = request.Boxes is null ? null : ParseBoxes(request.Boxes);
        var mapArray = ReadMap(request.Map);

        TorchRuntime.Initialize();
        using var m = ModelEntry.Open(ModelEntry.FromCommandLine(request.Model, request.Weights, request.Layer), torch.CPU);
        using var scope = torch.NewDisposeScope();
        var (x, geometry) = InputImage.LoadTensorOrImage(request.Input, m.Preprocessing);
        long n = x.shape[0], h = x.shape[2], w = x.shape[3];
        var maps = MapsFor(mapArray, request.Map, request.Input, n, h, w);
        n = maps.shape[0];
        if (x.shape[0] != n) x = x.expand(n, 3, h, w).contiguous();

        // Forwards in the run's fixed chunks, so a score here equals the cell a run computes (FixedBatchClassifier).
        using var classifier = new FixedBatchClassifier(m.Classifier, ExperimentConfig.DefaultForwardBatchSize);
        Tensor logits;
        using (torch.no_grad()) logits = classifier.Forward(x);
        long[] top1 = ClassifierExtensions.Top1(logits);
        long[] targets;
        if (request.Target == "top1") targets = top1;
        else if (long.TryParse(request.Target, NumberStyles.Integer, CultureInfo.InvariantCulture, out long t) && t >= 0 && t < m.Classifier.NumClasses)
            targets = Enumerable.Repeat(t, (int)n).ToArray();
        else throw new ArgumentException($"--target must be top1 or a class index in 0..{m.Classifier.NumClasses - 1}, not '{request.Target}'");

        // One unit per sample. The target class doubles as the ground-truth class (dataset class 0) when
        // boxes are given, so region metrics find the boxes as its objects.
        var objects = boxes?.Select(b => new ObjectAnnotation(0, b)).ToArray() ?? Array.Empty<ObjectAnnotation>();
        var flat = x.contiguous().data<float>().ToArray();
        long pixels = 3 * h * w;
        var units = Enumerable.Range(0, (int)n).Select(i => new EvaluationUnit(new DatasetItem
        {
            Id = i.ToString(CultureInfo.InvariantCulture),
            Input = flat[(int)(i * pixels)..(int)((i + 1) * pixels)],
            Geometry = geometry,
            Objects = objects,
        }, targets[i], boxes is null ? null : 0, top1[i])).ToArray();

        Directory.CreateDirectory(request.Out);
        var norm = new Normalization(m.Preprocessing.Mean, m.Preprocessing.Std);
        using var scores = CsvWriter.ToFile(Path.Combine(request.Out, "scores.csv"));
        using var curves = CsvWriter.ToFile(Path.Combine(request.Out, "curves.csv"));
        scores.WriteRecord(new[] { "sample", "metric", "metric_options", "value" });
        curves.WriteRecord(new[] { "sample", "metric", "metric_options", "point", "value" });
        int scoreRows = 0, curveRows = 0;
        // One batch per chunk of samples, shared by all metrics: metrics that cache work on the batch
        // (AD and IC's masked pass, ROAD's curves for its three outputs) compute it once.
        var values = metrics.Select(_ => new List<MetricValue>()).ToArray();
        var seconds = new double[metrics.Count];
        for (int i0 = 0; i0 < n; i0 += request.BatchSize)
        {
            int i1 = (int)Math.Min(n, i0 + request.BatchSize);
            using var batchScope = torch.NewDisposeScope();
            var rows = torch.arange(i0, i1, dtype: ScalarType.Int64, device: x.device);
            var batch = new MetricBatch
            {
                Model = classifier,
                Inputs = x.index_select(0, rows),
                Maps = maps.index_select(0, rows),
                Units = units[i0..i1],
                CleanLogits = logits.index_select(0, rows),
                Normalization = norm,
                DatasetClassNames = boxes is null ? null : new[] { $"class {targets[0]}" },
            };
            for (int k = 0; k < metrics.Count; k++)
            {
                var watch = Stopwatch.StartNew();
                try { values[k].AddRange(metrics[k].Evaluate(batch)); }
                catch (ArgumentException e) when (boxes is null && metrics[k].Target == TargetSelection.GroundTruth)
                {
                    throw new ArgumentException($"metric '{metrics[k].Id}' needs the ground-truth boxes of the target class: give --boxes x0,y0,x1,y1;… ({e.Message})", e);
                }
                seconds[k] += watch.Elapsed.TotalSeconds;
            }
        }
        for (int k = 0; k < metrics.Count; k++)
        {
            var metric = metrics[k];
            string options = ResultRecord.CanonicalOptions(metric.Options);
            foreach (var v in values[k])
            {
                scores.WriteRecord(new[] { v.ItemId, metric.Id, options, CsvNumbers.Format(v.Value) });
                scoreRows++;
                if (v.Curve is { } curve)
                    for (int t = 0; t < curve.Length; t++, curveRows++)
                        curves.WriteRecord(new[] { v.ItemId, metric.Id, options, t.ToString(CultureInfo.InvariantCulture), CsvNumbers.Format(curve[t]) });
            }
            string mean = values[k].Count == 0 ? "no value" : $"mean {values[k].Average(v => v.Value).ToString("G6", CultureInfo.InvariantCulture)} over {values[k].Count} samples";
            Console.WriteLine($"{metric.Id} ({options}): {mean}, {seconds[k]:F1} s" +
                (values[k].Count < n ? $" ({n - values[k].Count} samples not counted by the protocol)" : ""));
        }
        Console.WriteLine($"wrote scores.csv ({scoreRows} rows) and curves.csv ({curveRows} rows) to {request.Out}");
        return 0;
    }

    /// <summary>Metric ids with default options, or the `metrics:` list of a YAML file; every id and option is checked here.</summary>
    private static IReadOnlyList<IMetric> ParseMetrics(string spec, int seed)
    {
        bool yaml = spec.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || spec.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        var entries = yaml
            ? ConfigLoader.LoadMetrics(spec)
            : spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(id => new ComponentEntry(id, id, new Dictionary<string, string>(), 0)).ToList();
        if (entries.Count == 0) throw new ArgumentException("--metrics names no metric");
        entries = ConfigLoader.WithRunSeed(entries, seed);
        var errors = new List<string>();
        var result = new List<IMetric>();
        foreach (var e in entries)
        {
            try { result.Add(MetricRegistry.BuiltIn.Create(e.Id, e.Options)); }
            catch (ArgumentException ex) { errors.Add(yaml ? $"{spec}:{e.Line}: metrics: {ex.Message}" : $"--metrics: {ex.Message}"); }
        }
        if (errors.Count > 0) throw new ConfigException(errors);
        return result;
    }

    /// <summary>`x0,y0,x1,y1;…` (pixel-edge coordinates, Box's convention).</summary>
    public static IReadOnlyList<Box> ParseBoxes(string text)
    {
        var result = new List<Box>();
        foreach (string part in text.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var v = part.Split(',').Select(s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) ? d : double.NaN).ToArray();
            if (v.Length != 4 || v.Any(double.IsNaN) || v[2] <= v[0] || v[3] <= v[1])
                throw new ArgumentException($"--boxes: '{part}' is not a box x0,y0,x1,y1 with x0 < x1 and y0 < y1");
            result.Add(new Box(v[0], v[1], v[2], v[3]));
        }
        if (result.Count == 0) throw new ArgumentException("--boxes: no box given");
        return result;
    }

    private static Npy.Array ReadMap(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: map file not found", path);
        if (!path.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException($"{path}: --map must be a .npy file (H×W or N×H×W float32)");
        var a = Npy.ReadFloat32(path);
        for (int i = 0; i < a.Data.Length; i++)
            if (!(a.Data[i] >= 0 && a.Data[i] <= 1))
                throw new ArgumentException($"{path}: map values must be in [0, 1] as GuidedCam's final maps are (min-max normalise them first); value {a.Data[i].ToString(CultureInfo.InvariantCulture)} at flat index {i}");
        return a;
    }

    /// <summary>The maps as N×H×W: one per input sample, or several for a single input (each scored on it).</summary>
    private static Tensor MapsFor(Npy.Array a, string mapPath, string inputPath, long samples, long h, long w)
    {
        long[] shape = a.Shape.Length switch
        {
            2 => new[] { 1L, a.Shape[0], a.Shape[1] },
            3 => a.Shape,
            _ => throw new ArgumentException($"{mapPath}: expected a map H×W or N×H×W, got ({string.Join("×", a.Shape)})"),
        };
        if (shape[1] != h || shape[2] != w)
            throw new ArgumentException($"{mapPath}: the map is {shape[1]}×{shape[2]} but the input {inputPath} is {h}×{w} (maps must be at the network input's size)");
        if (shape[0] != samples && samples != 1)
            throw new ArgumentException($"{mapPath}: {shape[0]} maps for {samples} input samples in {inputPath} (give one map per sample, or one input for all maps)");
        return torch.tensor(a.Data, shape, device: torch.CPU);
    }
}
