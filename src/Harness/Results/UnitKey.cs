namespace GuidedCam.Harness.Results;

/// <summary>
/// The unit of resumption: one item of one dataset under one model, evaluated with one set of
/// methods (the run's method list in canonical form, e.g. "gradcam|guidedcam[weights=gradcampp]").
/// All results of a unit are committed together with its completion marker, so a resumed run skips
/// a unit whose marker exists and recomputes one that has none (TorchRay's "skip finished work").
/// </summary>
public sealed record UnitKey(string Model, string Dataset, string ItemId, string MethodSet)
{
    /// <summary>Text form stored in the journal: the four parts joined by U+001F (never in ids or options).</summary>
    public string Text => string.Join('\u001f', Model, Dataset, ItemId, MethodSet);

    public override string ToString() => $"{Model}/{Dataset}/{ItemId} [{MethodSet}]";

    /// <summary>Canonical method-set text for a list of (method id, canonical options) pairs: order-free.</summary>
    public static string MethodSetOf(IEnumerable<(string Method, string Options)> methods) =>
        string.Join('|', methods.Select(m => m.Options.Length == 0 ? m.Method : $"{m.Method}[{m.Options}]").Distinct().OrderBy(s => s, StringComparer.Ordinal));
}
