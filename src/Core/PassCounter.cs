using System.Diagnostics;

namespace GuidedCam.Core;

/// <summary>
/// Network passes spent and wall time spent inside them, for one stage of a run or one benchmark.
/// Forward passes are counted per invocation and per image (input rows), grouped by batch size so the
/// time can be set against the model's raw throughput at the same batch size (`bench --forward`).
/// Backward passes are the autograd calls a capture makes (<see cref="CountingClassifier.Gradients"/>).
/// Not thread-safe: a run drives one model from one thread.
/// </summary>
public sealed class PassCounter
{
    private readonly SortedDictionary<long, PassTally> _forwardByBatch = new();

    public long ForwardCalls { get; private set; }
    public long ForwardImages { get; private set; }
    public TimeSpan ForwardTime { get; private set; }
    public long BackwardCalls { get; private set; }
    public long BackwardImages { get; private set; }
    public TimeSpan BackwardTime { get; private set; }

    /// <summary>Forward invocations, images and time per batch size (input rows of one invocation).</summary>
    public IReadOnlyDictionary<long, PassTally> ForwardByBatchSize => _forwardByBatch;

    public void AddForward(long images, TimeSpan elapsed)
    {
        ForwardCalls++;
        ForwardImages += images;
        ForwardTime += elapsed;
        var t = _forwardByBatch.GetValueOrDefault(images);
        _forwardByBatch[images] = new PassTally(t.Calls + 1, t.Images + images, t.Time + elapsed);
    }

    public void AddBackward(long images, TimeSpan elapsed)
    {
        BackwardCalls++;
        BackwardImages += images;
        BackwardTime += elapsed;
    }

    /// <summary>Times <paramref name="pass"/> and records it as a forward of <paramref name="images"/> images.</summary>
    public T TimeForward<T>(long images, Func<T> pass)
    {
        long start = Stopwatch.GetTimestamp();
        try { return pass(); }
        finally { AddForward(images, Stopwatch.GetElapsedTime(start)); }
    }

    /// <summary>Times <paramref name="pass"/> and records it as a backward of <paramref name="images"/> images.</summary>
    public T TimeBackward<T>(long images, Func<T> pass)
    {
        long start = Stopwatch.GetTimestamp();
        try { return pass(); }
        finally { AddBackward(images, Stopwatch.GetElapsedTime(start)); }
    }

    /// <summary>
    /// One line for run.log: passes (invocations / images), forwards per batch size as
    /// [batch×calls in seconds, …], and how the stage's wall time splits into model forwards, backwards
    /// and everything else. `bench --forward --run` reads it back (HarnessOverhead), so keep the shape.
    /// </summary>
    public string Describe(TimeSpan wall, TimeSpan cpu)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var perBatch = string.Join(", ", _forwardByBatch.Select(kv =>
            string.Format(inv, "{0}×{1} in {2:F2} s", kv.Key, kv.Value.Calls, kv.Value.Time.TotalSeconds)));
        var elsewhere = wall - ForwardTime - BackwardTime;
        return string.Format(inv,
            "forward {0} calls / {1} images [{2}]; backward {3} calls / {4} images in {5:F2} s; wall {6:F2} s = model forward {7:F2} s + model backward {5:F2} s + elsewhere {8:F2} s ({9:F1} %); CPU {10:F2} s",
            ForwardCalls, ForwardImages, perBatch, BackwardCalls, BackwardImages, BackwardTime.TotalSeconds,
            wall.TotalSeconds, ForwardTime.TotalSeconds, elsewhere.TotalSeconds,
            wall > TimeSpan.Zero ? 100 * (elsewhere / wall) : 0, cpu.TotalSeconds);
    }
}

/// <summary>Invocations, images and time of the forward passes at one batch size.</summary>
public readonly record struct PassTally(long Calls, long Images, TimeSpan Time);
