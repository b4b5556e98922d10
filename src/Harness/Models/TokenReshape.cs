using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// How a transformer's token layer is seen as CAM feature maps N×C×H×W, the reshape_transform of
/// pytorch-grad-cam's ViT and Swin tutorials:
/// - `vit`: tokens N×T×C; the first <see cref="ClsTokens"/> tokens (the class token, 1 in torchvision's and
///   timm's ViT; 2 in DeiT-distilled) are dropped and the remaining T − cls patch tokens are laid out
///   row-major as an H×W grid, channels last, then permuted to channels first.
/// - `swin`: the layer is already N×H×W×C (timm Swin stages); only the permutation.
/// <see cref="ToMaps"/> is applied to what a capture sees (activations, and so gradients, which autograd
/// returns in the leaf's shape); <see cref="FromMaps"/> turns a tap's replacement back into tokens for
/// the rest of the network, with the dropped tokens unchanged.
/// </summary>
public sealed record TokenReshape(string Kind, int ClsTokens = 1, int? GridHeight = null, int? GridWidth = null)
{
    public const string Vit = "vit";
    public const string Swin = "swin";
    public static IReadOnlyList<string> Kinds { get; } = [Vit, Swin];

    /// <summary>Parses the model keys `reshape`, `cls-tokens` and `grid` (HxW, or one number for a square grid).</summary>
    public static TokenReshape Parse(string kind, string? clsTokens, string? grid, string where)
    {
        if (!Kinds.Contains(kind)) throw new ArgumentException($"'{where}.reshape' must be one of {string.Join(", ", Kinds)}, not '{kind}'");
        int cls = Vit == kind ? 1 : 0;
        if (clsTokens != null)
        {
            if (kind != Vit) throw new ArgumentException($"'{where}.cls-tokens' applies to reshape vit only");
            if (!int.TryParse(clsTokens, out cls) || cls < 0) throw new ArgumentException($"'{where}.cls-tokens' must be a whole number ≥ 0, not '{clsTokens}'");
        }
        int? h = null, w = null;
        if (grid != null)
        {
            if (kind != Vit) throw new ArgumentException($"'{where}.grid' applies to reshape vit only (a swin layer has its grid)");
            var parts = grid.Split('x', 'X', '×', ',');
            if (parts.Length is 1 or 2 && parts.All(p => int.TryParse(p.Trim(), out int v) && v > 0))
            {
                h = int.Parse(parts[0].Trim());
                w = int.Parse(parts[^1].Trim());
            }
            else throw new ArgumentException($"'{where}.grid' must be HxW (14x14) or one number for a square grid, not '{grid}'");
        }
        return new TokenReshape(kind, cls, h, w);
    }

    /// <summary>The token layer's output as maps N×C×H×W.</summary>
    public Tensor ToMaps(Tensor tokens, string layer)
    {
        if (Kind == Swin)
        {
            if (tokens.dim() != 4) throw ShapeError(tokens, layer, "N×H×W×C");
            return tokens.permute(0, 3, 1, 2);
        }
        if (tokens.dim() != 3) throw ShapeError(tokens, layer, "N×tokens×C");
        var (h, w) = Grid(tokens.shape[1], layer);
        return tokens.narrow(1, ClsTokens, h * w).reshape(tokens.shape[0], h, w, tokens.shape[2]).permute(0, 3, 1, 2);
    }

    /// <summary>
    /// Maps B×C×H×W (a tap's replacement; B may be a multiple of the batch, each sample's copies adjacent)
    /// back to the layer's layout. The dropped leading tokens come from <paramref name="original"/>, detached:
    /// a capture differentiates with respect to the patch tokens only, as the reference does.
    /// </summary>
    public Tensor FromMaps(Tensor maps, Tensor original)
    {
        var channelsLast = maps.permute(0, 2, 3, 1);
        if (Kind == Swin) return channelsLast;
        var tokens = channelsLast.reshape(maps.shape[0], maps.shape[2] * maps.shape[3], maps.shape[1]);
        if (ClsTokens == 0) return tokens;
        var head = original.narrow(1, 0, ClsTokens).detach();
        if (head.shape[0] != maps.shape[0]) head = head.repeat_interleave(maps.shape[0] / head.shape[0], dim: 0);
        return torch.cat([head, tokens], 1);
    }

    private (long H, long W) Grid(long tokens, string layer)
    {
        long patches = tokens - ClsTokens;
        if (GridHeight is int gh && GridWidth is int gw)
        {
            if ((long)gh * gw != patches)
                throw new ArgumentException($"layer '{layer}' has {tokens} tokens: {patches} after dropping {ClsTokens} class token(s), not grid {gh}×{gw} = {gh * gw}");
            return (gh, gw);
        }
        long side = (long)Math.Round(Math.Sqrt(Math.Max(patches, 0)));
        if (patches <= 0 || side * side != patches)
            throw new ArgumentException($"layer '{layer}' has {tokens} tokens, {patches} after dropping {ClsTokens} class token(s): not a square grid; give the model key `grid: HxW` (or check `cls-tokens`)");
        return (side, side);
    }

    private ArgumentException ShapeError(Tensor t, string layer, string expected) =>
        new($"layer '{layer}' gives a {t.dim()}-d output ({string.Join("×", t.shape)}); reshape {Kind} expects {expected}");

    public override string ToString() =>
        Kind == Vit ? $"vit (cls-tokens {ClsTokens}, grid {(GridHeight is null ? "square" : $"{GridHeight}x{GridWidth}")})" : Kind;
}
