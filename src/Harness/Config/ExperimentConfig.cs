using GuidedCam.Core.Ranking;
using GuidedCam.Methods;

namespace GuidedCam.Harness.Config;

/// <summary>
/// One configured component (a model, dataset, method or metric): its id (arch, kind, method or
/// metric id), a display name, its options as strings (lists joined by commas) and where it stands
/// in the YAML file (the entry's and each key's), so later validation can still name the line.
/// </summary>
public sealed record ComponentEntry(string Id, string Name, IReadOnlyDictionary<string, string> Options, int Line)
{
    /// <summary>The line each option key stands on; keys not listed (entries built in code) use <see cref="Line"/>.</summary>
    public IReadOnlyDictionary<string, int> KeyLines { get; init; } = new Dictionary<string, int>();

    public string? Get(string key) => Options.TryGetValue(key, out var v) ? v : null;

    /// <summary>The line of <paramref name="key"/> when it was written in the file, else the entry's line.</summary>
    public int LineOf(string? key) => key is not null && KeyLines.TryGetValue(key, out int line) ? line : Line;
}

/// <summary>An experiment as written in one YAML file: models × datasets × methods × metrics.</summary>
public sealed record ExperimentConfig
{
    public required string SourcePath { get; init; }
    public required string SourceText { get; init; }
    public required string Name { get; init; }
    public int Seed { get; init; }
    public string Device { get; init; } = "cpu";
    public int Threads { get; init; } = 2;
    public int BatchSize { get; init; } = 16;
    /// <summary>
    /// Images per gradient-free forward call (<see cref="GuidedCam.Core.FixedBatchClassifier"/>): every such forward runs in
    /// chunks of exactly this size, so values do not depend on <see cref="BatchSize"/>, shards or resumption.
    /// </summary>
    public int ForwardBatchSize { get; init; } = DefaultForwardBatchSize;
    /// <summary>16: on CPU as fast per image as 64 for the models measured (issue table in docs/spec/determinism.md).</summary>
    public const int DefaultForwardBatchSize = 16;
    /// <summary>Base folder for run folders (results/&lt;name&gt;), relative to the working directory.</summary>
    public string Output { get; init; } = "results";
    /// <summary>How many items get saved maps for the qualitative grid.</summary>
    public int Qualitative { get; init; } = 6;
    /// <summary>The method the tables compare with (`reference:`; gradcam by default).</summary>
    public string Reference { get; init; } = MethodRegistry.Reference;
    /// <summary>The YAML line of `reference:` (1 when absent), for the validator's message.</summary>
    public int ReferenceLine { get; init; } = 1;
    /// <summary>The post-hoc test across blocks (`post-hoc:`, wilcoxon-holm or nemenyi).</summary>
    public string PostHoc { get; init; } = RankingOptions.WilcoxonHolm;
    public required IReadOnlyList<ComponentEntry> Models { get; init; }
    public required IReadOnlyList<ComponentEntry> Datasets { get; init; }
    public required IReadOnlyList<ComponentEntry> Methods { get; init; }
    public required IReadOnlyList<ComponentEntry> Metrics { get; init; }
}

/// <summary>Every problem found in a config, each with file and line. Nothing runs while there is one.</summary>
public sealed class ConfigException(IReadOnlyList<string> errors)
    : Exception(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
