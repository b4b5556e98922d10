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
            TorchRuntime.Initialize(threads: DefaultThreads);
            _done = true;
        }
    }

    /// <summary>The thread count every torch test runs with (restored by <see cref="WithThreads{T}"/>).</summary>
    public static int DefaultThreads => Math.Min(2, Environment.ProcessorCount);

    /// <summary>Runs <paramref name="work"/> with libtorch on <paramref name="threads"/> intra-op threads, then restores the default.</summary>
    public static T WithThreads<T>(int threads, Func<T> work)
    {
        Torch();
        TorchRuntime.Initialize(threads: threads);
        try { return work(); }
        finally { TorchRuntime.Initialize(threads: DefaultThreads); }
    }
}
