namespace GuidedCam.Harness.Results;

/// <summary>A method with its canonical options: what a ranking ranks (two option sets of one id are two entrants).</summary>
public sealed record MethodVariant(string Method, string Options)
{
    public override string ToString() => Options.Length == 0 ? Method : $"{Method} [{Options}]";
}
