using System.Reflection;
using System.Text.RegularExpressions;
using GuidedCam.Core;
using GuidedCam.Harness.Running;
using GuidedCam.Methods;
using GuidedCam.Metrics;

namespace GuidedCam.Tests.Architecture;

/// <summary>
/// docs/adding-a-metric.md and docs/adding-a-method.md stay true to the letter: every C# block is code
/// that stands, line for line and in order, in one file of the repository (lines with "…" are elisions,
/// comment lines are prose); every `Type.Member` they name exists on that type; every repository path
/// they name exists. ExtensionAcceptanceTests runs what the docs describe.
/// </summary>
public class ExtensionDocsTests
{
    public static TheoryData<string> Docs => new() { "adding-a-metric.md", "adding-a-method.md" };

    [Theory]
    [MemberData(nameof(Docs))]
    public void Every_code_block_stands_in_a_repository_file(string doc)
    {
        var files = Directory.EnumerateFiles(Path.Combine(SharedPaths.RepoRoot, "src"), "*.cs", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(SharedPaths.RepoRoot, "tests"), "*.cs", SearchOption.AllDirectories))
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj"))
            .Select(p => (Path: p, Lines: File.ReadAllLines(p).Select(l => l.Trim()).ToArray())).ToList();
        var blocks = CodeBlocks(doc);
        Assert.NotEmpty(blocks);
        foreach (var block in blocks)
        {
            var code = block.Select(CodeOf).Where(l => l.Length > 0).ToList();
            Assert.True(files.Any(f => InOrder(code, f.Lines)),
                $"docs/{doc}: no file of src/ or tests/ holds these lines in this order:\n{string.Join("\n", code)}");
        }
    }

    [Theory]
    [MemberData(nameof(Docs))]
    public void Every_named_member_exists(string doc)
    {
        var types = new[] { typeof(OptionSpec), typeof(ISaliencyMethod), typeof(IMetric), typeof(Experiment), typeof(ExtensionDocsTests) }
            .SelectMany(t => t.Assembly.GetTypes())
            .GroupBy(t => t.Name.Split('`')[0]).ToDictionary(g => g.Key, g => g.ToList());
        string text = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "docs", doc));
        var missing = new List<string>();
        int checkedNames = 0;
        foreach (Match m in Regex.Matches(text, @"`([A-Z]\w*)\.([A-Z]\w*)"))
        {
            if (!types.TryGetValue(m.Groups[1].Value, out var candidates)) continue;
            checkedNames++;
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.FlattenHierarchy;
            if (!candidates.Any(t => t.GetMember(m.Groups[2].Value, all).Length > 0 || t.GetInterfaces().Any(i => i.GetMember(m.Groups[2].Value, all).Length > 0)))
                missing.Add($"{m.Groups[1].Value}.{m.Groups[2].Value}");
        }
        Assert.True(checkedNames > 5, $"docs/{doc}: expected to check the Type.Member names it uses, found {checkedNames}");
        Assert.True(missing.Count == 0, $"docs/{doc} names members that do not exist: {string.Join(", ", missing.Distinct())}");
    }

    [Theory]
    [MemberData(nameof(Docs))]
    public void Every_named_repository_path_exists(string doc)
    {
        string text = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "docs", doc));
        var paths = Regex.Matches(text, @"(?<![\w./])((?:src|tests|docs|configs)/[\w./-]*\w)").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(paths);
        var missing = paths.Where(p => !File.Exists(Path.Combine(SharedPaths.RepoRoot, p)) && !Directory.Exists(Path.Combine(SharedPaths.RepoRoot, p))).ToList();
        Assert.True(missing.Count == 0, $"docs/{doc} names paths that do not exist: {string.Join(", ", missing)}");
    }

    [Fact]
    public void Checks_see_elisions_comments_and_order()
    {
        // Hand-made: a comment-only line and an elided line are not code; trailing comments are dropped.
        Assert.Equal("", CodeOf("    /// <summary>prose</summary>"));
        Assert.Equal("", CodeOf("    … per unit …"));
        Assert.Equal("x = 1;", CodeOf("x = 1;  // a comment with … in it"));
        Assert.Equal("public override int Order => 90;", CodeOf("    public override int Order => 90;   // column position"));
        Assert.True(InOrder(["a;", "c;"], ["a;", "b;", "c;"]));
        Assert.False(InOrder(["c;", "a;"], ["a;", "b;", "c;"]));
    }

    private static List<List<string>> CodeBlocks(string doc)
    {
        var blocks = new List<List<string>>();
        List<string>? current = null;
        foreach (string line in File.ReadAllLines(Path.Combine(SharedPaths.RepoRoot, "docs", doc)))
        {
            if (current is null && line.TrimStart().StartsWith("```csharp", StringComparison.Ordinal)) current = [];
            else if (current is not null && line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { blocks.Add(current); current = null; }
            else current?.Add(line);
        }
        return blocks;
    }

    /// <summary>The code of a doc line: trimmed, without a trailing // comment; empty for comment lines and elisions ("…").</summary>
    private static string CodeOf(string line)
    {
        string t = line.Trim();
        if (t.StartsWith("//", StringComparison.Ordinal)) return "";
        var comment = Regex.Match(t, @"\s{2,}//");
        if (comment.Success) t = t[..comment.Index].TrimEnd();
        return t.Contains('…') ? "" : t;
    }

    private static bool InOrder(IReadOnlyList<string> wanted, IReadOnlyList<string> lines)
    {
        int at = 0;
        foreach (string w in wanted)
        {
            while (at < lines.Count && lines[at] != w) at++;
            if (at == lines.Count) return false;
            at++;
        }
        return true;
    }
}
