using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace GuidedCam.Core;

/// <summary>
/// The one place that decides how libtorch runs: device choice, thread count and the OpenMP wait
/// policy. Every entry point (CLI, tests, benchmarks) calls <see cref="Initialize"/> before any tensor.
/// </summary>
public static class TorchRuntime
{
    private static readonly object Gate = new();
    private static bool _initialized;

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    /// <summary>
    /// libgomp reads OMP_WAIT_POLICY when libtorch is first loaded. Its default (active spin-wait)
    /// makes 2-thread runs 15–20× slower on a 2-core machine under any other load
    /// (docs/torchsharp.md), so we set PASSIVE in the native environment before torch loads unless
    /// the user chose a value. .NET's Environment.SetEnvironmentVariable does not reach native getenv.
    /// </summary>
    public static void Initialize(int? threads = null)
    {
        lock (Gate)
        {
            if (!_initialized)
            {
                if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
                {
                    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("OMP_WAIT_POLICY")))
                        SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0);
                }
                _initialized = true;
            }
            if (threads is > 0) torch.set_num_threads(threads.Value);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on one intra-op thread, then restores the thread count. The backward
    /// of a transformer's small matrix products splits its sums across threads (measured on the ViT golden
    /// model: gradient maps 1e-7 … 1e-5 apart between 1 and 2 threads; CNN layers agreed bit for bit), so
    /// every gradient is taken on one thread and a map is the same whatever `threads` says. Forwards keep
    /// every thread: their values did not change with the count on any model measured.
    /// </summary>
    public static T OneThread<T>(Func<T> work)
    {
        int threads = torch.get_num_threads();
        if (threads == 1) return work();
        torch.set_num_threads(1);
        try { return work(); }
        finally { torch.set_num_threads(threads); }
    }

    /// <summary>Resolves a config's device string ("cpu", "cuda", "cuda:1"). Only CPU is tested here.</summary>
    public static Device ResolveDevice(string? name)
    {
        Initialize();
        name = string.IsNullOrWhiteSpace(name) ? "cpu" : name.Trim().ToLowerInvariant();
        if (name == "cpu") return torch.CPU;
        if (name.StartsWith("cuda"))
        {
            if (!torch.cuda.is_available())
                throw new InvalidOperationException(
                    $"device '{name}' was requested but CUDA is not available in this build (build with -p:GuidedCamDevice=cuda on a machine with a GPU).");
            return torch.device(name);
        }
        throw new ArgumentException($"unknown device '{name}': use cpu, cuda or cuda:N");
    }
}
