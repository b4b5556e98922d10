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
                    // libtorch's matrix products are oneMKL's (linked into libtorch_cpu). By default MKL may
                    // use fewer threads than asked when the machine is busy (MKL_DYNAMIC) and picks code paths
                    // whose sums depend on the thread count, so a transformer's values changed from run to run
                    // (measured on the ViT: 1e-11 … 1e-5 relative). Strict conditional numerical reproducibility
                    // makes its GEMMs bit-identical for any thread count on one CPU (docs/spec/determinism.md).
                    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR")))
                        SetEnv("MKL_CBWR", "AUTO,STRICT", 0);
                    if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_DYNAMIC")))
                        SetEnv("MKL_DYNAMIC", "FALSE", 0);
                }
                _initialized = true;
            }
            if (threads is > 0) torch.set_num_threads(threads.Value);
        }
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
