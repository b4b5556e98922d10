using GuidedCam.Core;
namespace GuidedCam.Methods;

/// <summary>
/// Every saliency method by config id. Adding a method = one file + one line here
/// (docs/adding-a-method.md).
/// </summary>
public static class MethodRegistry
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>?, ISaliencyMethod>> Factories = new()
    {
        // The ten methods of the benchmark (METHODS.md).
        ["gradcam"] = o => new GradCam(o),
        ["gradcampp"] = o => new GradCamPlusPlus(o),
        ["xgradcam"] = o => new XGradCam(o),
        ["scorecam"] = o => new ScoreCam(o),
        ["ablationcam"] = o => new AblationCam(o),
        ["eigencam"] = o => new EigenCam(o),
        ["eigengradcam"] = o => new EigenGradCam(o),
        ["layercam"] = o => new LayerCam(o),
        ["fullgrad"] = o => new FullGrad(o),
        ["guidedcam"] = o => new GlobalGuidanceCam(o),
        // Sanity baselines (IsBaseline = true), never counted among the ten.
        ["random"] = o => new RandomCam(o),
        ["center"] = o => new CenterBaseline(o),
        ["hirescam"] = o => new HiResCam(o),
        ["gradcam-elementwise"] = o => new GradCamElementWise(o),
    };

    public static IReadOnlyCollection<string> Ids => Factories.Keys;

    public static bool Exists(string id) => Factories.ContainsKey(id);

    /// <summary>Creates a method; unknown ids and options are errors that list what is allowed.</summary>
    public static ISaliencyMethod Create(string id, IReadOnlyDictionary<string, string>? options = null)
    {
        if (!Factories.TryGetValue(id, out var f))
            throw new ArgumentException($"unknown method '{id}' (allowed: {string.Join(", ", Factories.Keys)})");
        return f(options);
    }
}
