namespace GuidedCam.Methods;

/// <summary>
/// This project's methods by config id. Adding one = one file + one line here (docs/adding-a-method.md).
/// <see cref="BuiltIn"/> is immutable, so nothing a test or an extension does changes what the rest of
/// the process sees; they build their own catalog with <see cref="MethodCatalog.With"/>.
/// </summary>
public static class MethodRegistry
{
    public static MethodCatalog BuiltIn { get; } = new MethodCatalog()
        // The ten methods of the benchmark (docs/spec/methods.md).
        .With("gradcam", o => new GradCam(o))
        .With("gradcampp", o => new GradCamPlusPlus(o))
        .With("xgradcam", o => new XGradCam(o))
        .With("scorecam", o => new ScoreCam(o))
        .With("ablationcam", o => new AblationCam(o))
        .With("eigencam", o => new EigenCam(o))
        .With("eigengradcam", o => new EigenGradCam(o))
        .With("layercam", o => new LayerCam(o))
        .With("fullgrad", o => new FullGrad(o))
        .With("guidedcam", o => new GlobalGuidanceCam(o))
        // Sanity baselines and variants (IsBaseline = true), never counted among the ten.
        .With("random", o => new RandomCam(o))
        .With("center", o => new CenterBaseline(o))
        .With("hirescam", o => new HiResCam(o))
        .With("gradcam-elementwise", o => new GradCamElementWise(o));

    /// <summary>The method every other is compared with in summaries (diff_vs_…, docs/spec/metrics.md "Summaries"): Grad-CAM, the paper's baseline.</summary>
    public const string Reference = "gradcam";

    /// <summary>The method the paper proposes (Fahim et al. 2022): `explain` shows it next to the reference by default and `bench` prints its cost relative to the reference.</summary>
    public const string Proposed = "guidedcam";
}
