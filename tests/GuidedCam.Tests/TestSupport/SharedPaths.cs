namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// Where the repository and ../shared are. Tests read shared models, datasets and golden data from
/// ../shared (never copied into the repo); GUIDEDCAM_SHARED overrides the location.
/// </summary>
public static class SharedPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Shared { get; } =
        Environment.GetEnvironmentVariable("GUIDEDCAM_SHARED") is { Length: > 0 } s ? s : Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static string Golden => Path.Combine(Shared, "golden");
    public static string Datasets => Path.Combine(Shared, "datasets");
    public static string SqueezeNetOnnx => Path.Combine(Shared, "models", "squeezenet1.1", "squeezenet1.1.onnx");

    /// <summary>Path under ../shared; fails the test with a clear message when it is missing.</summary>
    public static string Require(params string[] parts)
    {
        string p = Path.Combine(new[] { Shared }.Concat(parts).ToArray());
        if (!File.Exists(p) && !Directory.Exists(p))
            throw new FileNotFoundException($"shared test asset missing: {p} (set GUIDEDCAM_SHARED to the shared folder)");
        return p;
    }

    private static string FindRepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir != null && !File.Exists(Path.Combine(dir.FullName, "GuidedCam.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("cannot find GuidedCam.sln above " + AppContext.BaseDirectory);
    }
}
