using GuidedCam.Methods;
using GuidedCam.Core.Ranking;
using System.Globalization;
using GuidedCam.Metrics;
using GuidedCam.Core;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace GuidedCam.Harness.Config;

/// <summary>
/// Reads an experiment YAML file into <see cref="ExperimentConfig"/>. Works on YamlDotNet's node
/// model (not a deserializer) so every error names its line; all errors are collected and reported
/// together before any work starts. Semantic checks (method, metric, model and dataset names and
/// options) are done by <see cref="ConfigValidator"/>.
/// </summary>
public static class ConfigLoader
{
    private static readonly string[] TopKeys = { "name", "seed", "device", "threads", "batch-size", "forward-batch-size", "output", "qualitative", "reference", "post-hoc", "models", "datasets", "methods", "metrics" };

    public static ExperimentConfig Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException(new[] { $"{path}: file not found" });
        string text = File.ReadAllText(path);
        return Parse(text, path);
    }

    /// <summary>
    /// The `metrics:` list of a YAML file in the run-config syntax (what `guidedcam score --metrics FILE`
    /// reads); the file may be a whole run config or hold only `metrics:`. Metric options named `seed`
    /// are left to the caller.
    /// </summary>
    public static IReadOnlyList<ComponentEntry> LoadMetrics(string path)
    {
        if (!File.Exists(path)) throw new ConfigException(new[] { $"{path}: file not found" });
        return Parse(File.ReadAllText(path), path, metricsOnly: true).Metrics;
    }

    /// <summary>
    /// A metric option named `seed` (ROAD's imputation noise) defaults to the run's seed, so the one
    /// `seed:` of a config seeds everything and the resolved config records it with the metric.
    /// </summary>
    public static IReadOnlyList<ComponentEntry> WithRunSeed(IReadOnlyList<ComponentEntry> metrics, int seed) =>
        metrics.Select(e => e.Options.ContainsKey(SeedOption) || !MetricRegistry.BuiltIn.Exists(e.Id)
                || !MetricRegistry.BuiltIn.Create(e.Id).DeclaredOptions.Any(o => o.Name == SeedOption)
            ? e
            : e with { Options = new SortedDictionary<string, string>(e.Options.ToDictionary(kv => kv.Key, kv => kv.Value), StringComparer.Ordinal) { [SeedOption] = seed.ToString(CultureInfo.InvariantCulture) } })
        .ToList();

    private const string SeedOption = "seed";

    public static ExperimentConfig Parse(string text, string path) => Parse(text, path, metricsOnly: false);

    private static ExperimentConfig Parse(string text, string path, bool metricsOnly)
    {
        var errors = new List<string>();
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new ConfigException(new[] { $"{path}:{e.Start.Line}:{e.Start.Column}: YAML syntax error: {Inner(e)}" });
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet 16 throws this (not YamlException) when the text ends inside an open flow
            // collection or quote; the error is then at the end of the file.
            int last = text.TrimEnd().Split('\n').Length;
            throw new ConfigException(new[] { $"{path}:{last}: YAML syntax error: the file ends inside an unclosed '[', '{{' or quote" });
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException(new[] { $"{path}:1: the file must be a YAML mapping with keys {string.Join(", ", TopKeys)}" });

        void Err(YamlNode node, string msg) => errors.Add($"{path}:{node.Start.Line}: {msg}");

        var map = new Dictionary<string, YamlNode>();
        foreach (var (k, v) in root.Children)
        {
            string key = ((k as YamlScalarNode)?.Value) ?? "";
            if (!TopKeys.Contains(key)) { Err(k, $"unknown key '{key}' (allowed: {string.Join(", ", TopKeys)})"); continue; }
            map[key] = v;
        }

        string Str(string key, string dflt)
        {
            if (!map.TryGetValue(key, out var n)) return dflt;
            if (n is YamlScalarNode s && !string.IsNullOrWhiteSpace(s.Value)) return s.Value!;
            Err(n, $"'{key}' must be a text value"); return dflt;
        }
        int Int(string key, int dflt, int min, int max = int.MaxValue)
        {
            if (!map.TryGetValue(key, out var n)) return dflt;
            if (n is YamlScalarNode s && OptionResolver.TryParseWholeNumber(s.Value, min, max, out int v)) return v;
            Err(n, $"'{key}' must be a whole number from {min} to {max}, not '{(n as YamlScalarNode)?.Value ?? n.NodeType.ToString()}'"); return dflt;
        }

        int seed = Int("seed", 0, 0);
        var cfg = new ExperimentConfig
        {
            SourcePath = path,
            SourceText = text,
            Name = Str("name", Path.GetFileNameWithoutExtension(path)),
            Seed = seed,
            Device = Str("device", "cpu"),
            Threads = Int("threads", 2, 1, 1024),
            BatchSize = Int("batch-size", 16, 1, 65536),
            ForwardBatchSize = Int("forward-batch-size", ExperimentConfig.DefaultForwardBatchSize, 1, 4096),
            Output = Str("output", "results"),
            Qualitative = Int("qualitative", 6, 0, 10_000),
            Reference = Str("reference", MethodRegistry.Reference),
            PostHoc = Str("post-hoc", RankingOptions.WilcoxonHolm),
            ReferenceLine = map.TryGetValue("reference", out var referenceNode) ? (int)referenceNode.Start.Line : 1,
            Models = Components("models", "arch", required: !metricsOnly),
            Datasets = Components("datasets", "kind", required: !metricsOnly),
            Methods = Components("methods", "id", required: !metricsOnly),
            Metrics = metricsOnly ? Components("metrics", "id", required: true) : WithRunSeed(Components("metrics", "id", required: true), seed),
        };
        if (FolderNameProblem(cfg.Name) is { } nameProblem)
        {
            if (map.TryGetValue("name", out var nameNode)) Err(nameNode, $"'name' {nameProblem}");
            else errors.Add($"{path}:1: the config file's name is used as the run folder name and {nameProblem}; set 'name'");
        }
        // Model and dataset names identify results in the journal and name folders under maps/.
        foreach (var (kind, list) in new[] { ("models", cfg.Models), ("datasets", cfg.Datasets) })
        {
            foreach (var e in list)
                if (FolderNameProblem(e.Name) is { } p) errors.Add($"{path}:{e.Line}: {kind}: name '{e.Name}' {p}");
            foreach (var dup in list.GroupBy(e => e.Name, StringComparer.Ordinal).Where(g => g.Count() > 1))
                errors.Add($"{path}:{dup.ElementAt(1).Line}: {kind}: the name '{dup.Key}' is already used on line {dup.First().Line}; " +
                    "names identify results in the journal, so give each entry its own 'name'");
        }
        if (map.TryGetValue("post-hoc", out var postHocNode) && !RankingOptions.PostHocTests.Contains(cfg.PostHoc))
            Err(postHocNode, $"'post-hoc' must be one of {string.Join(", ", RankingOptions.PostHocTests)}, not '{cfg.PostHoc}'");
        if (errors.Count > 0) throw new ConfigException(errors);
        return cfg;

        List<ComponentEntry> Components(string key, string idKey, bool required)
        {
            var result = new List<ComponentEntry>();
            if (!map.TryGetValue(key, out var node))
            {
                if (required) errors.Add($"{path}:1: missing key '{key}' (a list)");
                return result;
            }
            if (node is not YamlSequenceNode seq || seq.Children.Count == 0)
            {
                Err(node, $"'{key}' must be a non-empty list"); return result;
            }
            foreach (var child in seq.Children)
            {
                switch (child)
                {
                    case YamlScalarNode s when !string.IsNullOrWhiteSpace(s.Value):
                        result.Add(new ComponentEntry(s.Value!, s.Value!, new Dictionary<string, string>(), (int)s.Start.Line));
                        break;
                    case YamlMappingNode m:
                        {
                            var opts = new SortedDictionary<string, string>(StringComparer.Ordinal);
                            var keyLines = new Dictionary<string, int>(StringComparer.Ordinal);
                            string? id = null, name = null;
                            bool ok = true;
                            foreach (var (k, v) in m.Children)
                            {
                                string optionKey = (k as YamlScalarNode)?.Value ?? "";
                                // A mapping of values (`perturb: {weights: 0.01, seed: 1}`) becomes dotted keys (perturb.weights, perturb.seed).
                                if (v is YamlMappingNode nested && nested.Children.All(c => c.Key is YamlScalarNode && c.Value is YamlScalarNode))
                                {
                                    foreach (var (nk, nv) in nested.Children)
                                    {
                                        string dotted = $"{optionKey}.{((YamlScalarNode)nk).Value}";
                                        opts[dotted] = ((YamlScalarNode)nv).Value ?? "";
                                        keyLines[dotted] = (int)nk.Start.Line;
                                    }
                                    continue;
                                }
                                string? value = v switch
                                {
                                    YamlScalarNode sv => sv.Value ?? "",
                                    YamlSequenceNode sq when sq.Children.All(c => c is YamlScalarNode) => string.Join(",", sq.Children.Cast<YamlScalarNode>().Select(c => c.Value)),
                                    _ => null,
                                };
                                if (value is null) { Err(v, $"{key}: '{optionKey}' must be a value or a list of values"); ok = false; continue; }
                                if (optionKey == idKey) id = value;
                                else if (optionKey == "name") name = value;
                                else
                                {
                                    opts[optionKey] = value;
                                    keyLines[optionKey] = (int)k.Start.Line;
                                }
                            }
                            if (id is null && idKey != "id") { id = name; }
                            if (id is null) { Err(m, $"{key}: an entry needs '{idKey}'"); ok = false; }
                            if (ok) result.Add(new ComponentEntry(id!, name ?? id!, opts, (int)m.Start.Line) { KeyLines = keyLines });
                            break;
                        }
                    default:
                        Err(child, $"{key}: each entry is a name or a mapping with '{idKey}'");
                        break;
                }
            }
            return result;
        }
    }

    /// <summary>
    /// Why a name from the config cannot be one folder name under `output` (null when it can): it must
    /// not be empty, "." or "..", contain a path separator or a character the file system refuses, or
    /// start or end with white space. Keeps every run folder and map folder inside `output`.
    /// </summary>
    public static string? FolderNameProblem(string name)
    {
        if (string.IsNullOrWhiteSpace(name)) return "must not be empty";
        if (name is "." or "..") return $"'{name}' is a path step, not a name; a folder name must stay inside 'output'";
        if (name.IndexOfAny(new[] { '/', '\\' }) >= 0 || Path.IsPathRooted(name))
            return $"'{name}' contains a path separator; it must be one folder name inside 'output'";
        if (name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Any(char.IsControl))
            return $"'{name}' contains a character that cannot be in a folder name";
        if (name.Trim() != name) return $"'{name}' starts or ends with white space";
        return null;
    }

    private static string Inner(YamlException e)
    {
        var msg = e.Message;
        int i = msg.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? msg[(i + 3)..] : msg;
    }
}
