using System.Text.RegularExpressions;

namespace GuidedCam.Tests.Architecture;

/// <summary>
/// Device-correct by construction (no GPU here to catch a tensor left on the CPU): every tensor factory
/// in src/ names its device — `device: model.Device`, `device: x.device`, or `device: torch.CPU` where the
/// values are meant to stay on the host — or is a `*_like` of a tensor that has one. A factory without
/// a device fails this test unless it is on the allow-list below, each entry with its reason.
/// </summary>
public sealed class DeviceFactoryTests
{
    /// <summary>Factories that create a tensor from nothing; `*_like`, `stack`, `cat` and methods of a tensor inherit its device.</summary>
    private static readonly Regex Factory = new(@"\btorch\s*\.\s*(tensor|zeros|ones|full|empty|arange|rand|randn|randint|randperm|eye|linspace|logspace|from_array|as_tensor)\s*\(", RegexOptions.Compiled);

    /// <summary>(file, the factory call's first characters): the short list of factories that may leave the device out.</summary>
    private static readonly (string File, string Call, string Why)[] Allowed =
    [
        ("src/Harness/Models/Onnx/OnnxTensors.cs", "torch.tensor(", "ONNX initialisers are decoded on the host; OnnxClassifier.Freeze moves every one to the model's device"),
    ];

    [Fact]
    public void Every_tensor_factory_in_src_names_its_device()
    {
        var missing = new List<string>();
        foreach (var file in SourceFile.UnderSrc())
        {
            string path = file.RelativePath.Replace('\\', '/');
            foreach (Match m in Factory.Matches(file.Code))
            {
                string call = Call(file.Code, m.Index);
                if (call.Contains("device:")) continue;
                if (Allowed.Any(a => a.File == path && call.StartsWith(a.Call, StringComparison.Ordinal))) continue;
                int line = file.Code[..m.Index].Count(c => c == '\n') + 1;
                missing.Add($"{path}:{line}: {call.Split('\n')[0].Trim()}");
            }
        }
        Assert.True(missing.Count == 0, "tensor factories without a device (give device: …, or add to the allow-list with the reason):\n" + string.Join("\n", missing));
    }

    [Fact]
    public void The_scanner_finds_a_factory_without_a_device_across_lines()
    {
        // Self-test: the scanner must see through line breaks and nested parentheses.
        string code = "var a = torch.zeros(new long[] { 1,\n 2 }, dtype: f(x));\nvar b = torch.ones(3, device: d);";
        var calls = Factory.Matches(code).Select(m => Call(code, m.Index)).ToList();
        Assert.Equal(2, calls.Count);
        Assert.DoesNotContain("device:", calls[0]);
        Assert.Contains("device:", calls[1]);
        Assert.EndsWith("f(x))", calls[0]);
    }

    [Fact]
    public void The_allow_list_stays_short_and_every_entry_is_used()
    {
        Assert.True(Allowed.Length <= 3, "the allow-list is for host-only decoding, not a way around the rule");
        var files = SourceFile.UnderSrc().ToDictionary(f => f.RelativePath.Replace('\\', '/'));
        foreach (var (file, call, why) in Allowed)
        {
            Assert.False(string.IsNullOrWhiteSpace(why));
            Assert.True(files.TryGetValue(file, out var source), $"{file} is on the allow-list but does not exist");
            Assert.Contains(call, source!.Code);
        }
    }

    /// <summary>The call text from the factory name to its matching closing parenthesis.</summary>
    private static string Call(string code, int start)
    {
        int open = code.IndexOf('(', start), depth = 0;
        for (int i = open; i < code.Length; i++)
        {
            if (code[i] == '(') depth++;
            else if (code[i] == ')' && --depth == 0) return code[start..(i + 1)];
        }
        return code[start..];
    }
}
