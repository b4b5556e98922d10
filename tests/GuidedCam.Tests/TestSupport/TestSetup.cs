using GuidedCam.Core;

namespace GuidedCam.Tests.TestSupport;

/// <summary>Torch tests run one at a time (xunit.runner.json) on a fixed thread count, so timings and results are stable.</summary>
public static class TestSetup
{
    private static readonly object Gate = new();
    private static bool _done;

    public static void Torch()
    {
        lock (Gate)
        {
            if (_done) return;
            TorchRuntime.Initialize(threads: Math.Min(2, Environment.ProcessorCount));
            _done = true;
        }
    }
}
