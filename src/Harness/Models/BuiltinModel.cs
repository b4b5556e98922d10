using GuidedCam.Core;
using GuidedCam.Harness.Datasets;
using static TorchSharp.torch;

namespace GuidedCam.Harness.Models;

/// <summary>
/// Loads the built-in synthetic CNN with the weights shipped in the repository
/// (models/builtin/synthetic-cnn.dat, TorchSharp's own format, made by `guidedcam train-synthetic`).
/// </summary>
public static class BuiltinModel
{
    public const string Arch = "builtin";
    public const string FileName = "synthetic-cnn.dat";

    /// <summary>Where the shipped weights are: next to the executable (copied at build), else in the repository.</summary>
    public static string DefaultWeightsPath
    {
        get
        {
            string beside = Path.Combine(AppContext.BaseDirectory, "models", "builtin", FileName);
            if (File.Exists(beside)) return beside;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir != null)
            {
                string p = Path.Combine(dir.FullName, "models", "builtin", FileName);
                if (File.Exists(p)) return p;
                dir = dir.Parent;
            }
            return beside;
        }
    }

    public static ModuleClassifier Load(string? weightsPath = null, Device? device = null, string name = "builtin", string? layer = null)
    {
        TorchRuntime.Initialize();
        string path = weightsPath ?? DefaultWeightsPath;
        if (!File.Exists(path))
            throw new FileNotFoundException($"built-in model weights not found: {path} (run `guidedcam train-synthetic` to make them)", path);
        var net = new SyntheticCnn(SyntheticDataset.Shapes.Length);
        try { net.load(path); }
        catch (Exception e) { throw new InvalidDataException($"{path}: not a weights file of the built-in model ({e.Message})", e); }
        // ModuleClassifier rejects a default layer that does not exist, naming the valid ones.
        return new RandomizableModuleClassifier(name, () => new SyntheticCnn(SyntheticDataset.Shapes.Length), net, SyntheticDataset.Shapes.Length, "synthetic6", layer ?? SyntheticCnn.DefaultLayer, device);
    }
}
