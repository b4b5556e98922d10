using GuidedCam.Core;
using static TorchSharp.torch;

namespace GuidedCam.Methods;

/// <summary>What a method is asked: a normalised batch N×3×H×W, one target class per sample, a target layer.</summary>
public sealed class SaliencyRequest
{
    public required IClassifier Model { get; init; }
    public required Tensor Input { get; init; }
    public required long[] Targets { get; init; }
    /// <summary>Target layer (module path or ONNX tensor name); null = the model's default.</summary>
    public string? Layer { get; init; }
    /// <summary>The run's seed, for methods with randomness (the `random` baseline).</summary>
    public int Seed { get; init; }
    public string ResolvedLayer => Layer ?? Model.DefaultTargetLayer;
}

/// <summary>Maps N×H×W (final, in [0,1]) and, for CAM methods, the raw low-resolution maps N×h×w.</summary>
public sealed class SaliencyResult
{
    public required Tensor Maps { get; init; }
    public Tensor? LowRes { get; init; }
    /// <summary>Maps that were constant and so are all zeros (docs/spec/methods.md, post-processing step 4).</summary>
    public int ConstantMaps { get; init; }
    /// <summary>Forward / backward passes spent for the whole batch (counted as network invocations).</summary>
    public int ForwardPasses { get; init; }
    public int BackwardPasses { get; init; }
}

/// <summary>
/// A saliency method. Implementations say only what is particular to them; capture and
/// post-processing are shared (<see cref="CamMethod"/>). Options are resolved and validated at
/// construction and recorded next to every result.
/// </summary>
public interface ISaliencyMethod
{
    /// <summary>Config id, e.g. `gradcam`.</summary>
    string Id { get; }
    /// <summary>Name in the field's words and citation, e.g. "Grad-CAM (Selvaraju et al. 2017)".</summary>
    string DisplayName { get; }
    /// <summary>Every option with its resolved value (defaults included).</summary>
    IReadOnlyDictionary<string, string> Options { get; }
    /// <summary>True for the sanity baselines (random, center, …), which are never counted among the ten.</summary>
    bool IsBaseline { get; }
    MethodFamily Family { get; }
    MethodNeeds Needs { get; }
    /// <summary>Network work per image when the target layer has <paramref name="channels"/> channels (K).</summary>
    PassCost Cost(int channels);
    /// <summary>True when the maps depend on <see cref="SaliencyRequest.Seed"/> (the `random` baseline): the run seed is then part of the map's identity.</summary>
    bool UsesSeed => false;
    SaliencyResult Explain(SaliencyRequest request);
}
