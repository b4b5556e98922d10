namespace GuidedCam.Methods;

/// <summary>
/// Every saliency method by config id. Adding a method = one file + one line here
/// (docs/adding-a-method.md).
/// </summary>
public static class MethodRegistry
{
    private static readonly Dictionary<string, Func<IReadOnlyDictionary<string, string>?, ISaliencyMethod>> Factories = new()
    {
        ["gradcam"] = o => new GradCam(o),
        ["guidedcam"] = o => new GlobalGuidanceCam(o),
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
