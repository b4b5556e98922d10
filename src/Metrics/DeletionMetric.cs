using GuidedCam.Core;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Metrics;

/// <summary>
/// Deletion AUC (Petsiuk et al. 2018, RISE, Sec. 4.1; eclique/RISE evaluation.py, mode 'del'): start
/// from x and replace the most salient pixels first by the substrate; the area under p_c is the value
/// (lower is better: a faithful map makes the confidence fall fast). The curve is kept per unit.
/// `substrate`: `zeros` in normalised space (RISE's torch.zeros_like, i.e. the dataset mean colour),
/// `mean` (the image's own per-channel mean in normalised space) or `blur` (the insertion start image).
/// </summary>
public sealed class DeletionMetric(IReadOnlyDictionary<string, string>? options = null) : CausalMetric(options)
{
    public const string SubstrateKey = "substrate";
    public const string Zeros = "zeros";
    public const string Mean = "mean";
    public const string Blur = "blur";

    private static readonly IReadOnlyList<OptionSpec> Specs =
    [
        .. CausalOptions,
        new(SubstrateKey, Zeros, "what deleted pixels become: zeros (normalised space), the image's per-channel mean, or its blur", [Zeros, Mean, Blur]),
    ];

    public override string Id => "deletion";
    public override string DisplayName => "Deletion AUC";
    public override string ShortName => "Del";
    public override int Order => 30;
    public override string Citation => "Petsiuk et al. 2018, RISE (BMVC), Sec. 4.1; eclique/RISE evaluation.py";
    public override ScoreDirection Direction => ScoreDirection.LowerIsBetter;
    public override string Unit => "AUC";
    protected override TargetSelection DefaultTarget => TargetSelection.Predicted;
    protected override IReadOnlyList<OptionSpec> ProtocolOptions => Specs;
    protected override string PixelsAre => "deleted";
    /// <summary>Deletion curves fall from the upper left: the upper right stays free.</summary>
    public override CurveLegendCorner LegendCorner => CurveLegendCorner.UpperRight;

    protected override (Tensor Start, Tensor Finish) Endpoints(Tensor x) => (x, Options[SubstrateKey] switch
    {
        Zeros => torch.zeros_like(x),
        Mean => x.mean([2, 3], keepdim: true).expand_as(x),
        _ => CausalCurve.Blur(x),
    });
}
