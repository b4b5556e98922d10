using GuidedCam.Harness.Config;
using GuidedCam.Methods;
using GuidedCam.Metrics;
using YamlDotNet.Serialization;

namespace GuidedCam.Harness.Running;

/// <summary>
/// The config as it will run: every default filled in, every method and metric with all its
/// resolved options. Written to `config.yaml` in the run folder, so a result can always be traced to
/// its exact protocol; its text (minus names of folders) is the protocol fingerprint.
/// </summary>
public static class ResolvedConfig
{
    public static string ToYaml(ExperimentConfig cfg, IReadOnlyList<ISaliencyMethod> methods, IReadOnlyList<IMetric> metrics)
    {
        var doc = new Dictionary<string, object>
        {
            ["name"] = cfg.Name,
            ["seed"] = cfg.Seed,
            ["device"] = cfg.Device,
            ["threads"] = cfg.Threads,
            ["batch-size"] = cfg.BatchSize,
            ["forward-batch-size"] = cfg.ForwardBatchSize,
            ["output"] = cfg.Output,
            ["qualitative"] = cfg.Qualitative,
            ["reference"] = cfg.Reference,
            ["post-hoc"] = cfg.PostHoc,
        };
        foreach (var (k, v) in Components(cfg, methods, metrics)) doc[k] = v;
        return new SerializerBuilder().Build().Serialize(doc);
    }

    /// <summary>
    /// What decides the numbers: models, datasets, methods and metrics with all options, and the seed.
    /// Name, output folder, device, threads and batch size do not change results and are left out.
    /// </summary>
    public static string Fingerprint(ExperimentConfig cfg, IReadOnlyList<ISaliencyMethod> methods, IReadOnlyList<IMetric> metrics)
    {
        var doc = new Dictionary<string, object> { ["seed"] = cfg.Seed };
        foreach (var (k, v) in Components(cfg, methods, metrics)) doc[k] = v;
        string text = new SerializerBuilder().Build().Serialize(doc);
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return Convert.ToHexString(hash)[..16].ToLowerInvariant();
    }

    /// <summary>The models, datasets, methods and metrics sections, shared by the resolved YAML and the fingerprint.</summary>
    private static IEnumerable<(string Key, object Value)> Components(ExperimentConfig cfg, IReadOnlyList<ISaliencyMethod> methods, IReadOnlyList<IMetric> metrics)
    {
        yield return ("models", cfg.Models.Select(e => Entry("arch", e)).ToList());
        yield return ("datasets", cfg.Datasets.Select(e => Entry("kind", e)).ToList());
        yield return ("methods", methods.Select(m => Component(m.Id, m.Options)).ToList());
        yield return ("metrics", metrics.Select(m => Component(m.Id, m.Options)).ToList());
    }

    private static Dictionary<string, string> Entry(string idKey, ComponentEntry e)
    {
        var d = new Dictionary<string, string> { ["name"] = e.Name, [idKey] = e.Id };
        foreach (var (k, v) in e.Options.OrderBy(kv => kv.Key, StringComparer.Ordinal)) d[k] = v;
        return d;
    }

    private static Dictionary<string, string> Component(string id, IReadOnlyDictionary<string, string> options)
    {
        var d = new Dictionary<string, string> { ["id"] = id };
        foreach (var (k, v) in options.OrderBy(kv => kv.Key, StringComparer.Ordinal)) d[k] = v;
        return d;
    }
}
