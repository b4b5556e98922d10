namespace GuidedCam.Core;

/// <summary>
/// Network work counted in images: one image through the network forward is one forward, one
/// backward through it one backward. Methods and metrics declare what they spend in these units so
/// `validate` can estimate a run before it starts.
/// </summary>
public readonly record struct PassCost(long Forwards, long Backwards)
{
    public static PassCost None { get; } = new(0, 0);

    public static PassCost operator +(PassCost a, PassCost b) => new(a.Forwards + b.Forwards, a.Backwards + b.Backwards);

    public static PassCost operator *(long times, PassCost c) => new(times * c.Forwards, times * c.Backwards);
}
