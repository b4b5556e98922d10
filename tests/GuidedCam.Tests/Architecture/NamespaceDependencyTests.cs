using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace GuidedCam.Tests.Architecture;

/// <summary>
/// The namespace dependency graph of src/ is acyclic and is exactly the one docs/architecture.md lists.
/// The graph is read from the sources (method bodies included, which reflection over signatures would
/// miss): namespace A uses namespace B when a file of A names a type B declares, through a `using`, as
/// a parent namespace of A (visible without a using), or qualified (`Results.RunFolder`,
/// `GuidedCam.Metrics.X`). Comments and strings are left out. Project references are checked too.
/// </summary>
public class NamespaceDependencyTests
{
    private const string Root = "GuidedCam";

    [Fact]
    public void Namespace_graph_has_no_cycle()
    {
        var graph = SourceGraph();
        Assert.Empty(Cycles(graph));
    }

    [Fact]
    public void Namespace_graph_is_the_one_architecture_md_lists()
    {
        var actual = SourceGraph();
        var documented = DocumentedGraph();
        var missing = actual.SelectMany(kv => kv.Value.Where(b => !documented.GetValueOrDefault(kv.Key, []).Contains(b)).Select(b => $"{kv.Key} -> {b}")).ToList();
        var stale = documented.SelectMany(kv => kv.Value.Where(b => !actual.GetValueOrDefault(kv.Key, []).Contains(b)).Select(b => $"{kv.Key} -> {b}")).ToList();
        Assert.True(missing.Count == 0 && stale.Count == 0,
            $"docs/architecture.md's dependency table differs from the sources.\nused but not documented: {string.Join(", ", missing)}\ndocumented but not used: {string.Join(", ", stale)}");
        // Every namespace of src/ has its row, so a new namespace is drawn when it appears.
        Assert.Equal(actual.Keys.Order(StringComparer.Ordinal), documented.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Project_references_are_acyclic_and_metrics_never_reference_methods()
    {
        var projects = Directory.EnumerateFiles(Path.Combine(SharedPaths.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories)
            .ToDictionary(p => Path.GetFileNameWithoutExtension(p), p => XDocument.Load(p).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/'))).ToHashSet());
        Assert.Contains("GuidedCam.Core", projects.Keys);
        Assert.Empty(Cycles(projects));
        Assert.DoesNotContain("GuidedCam.Methods", projects["GuidedCam.Metrics"]);
        Assert.Empty(projects["GuidedCam.Core"]);
    }

    [Fact]
    public void Scanner_sees_usings_parent_namespaces_and_qualified_names()
    {
        // Hand-made files: A.B uses its parent A (type T) without a using, C through a using, and A.D
        // qualified from the parent; the unused using of E and the name in a comment count for nothing.
        var files = new[]
        {
            new SourceFile("x/T.cs", "", SourceFile.StripCommentsAndStrings("namespace GuidedCam.A;\npublic class T {}")),
            new SourceFile("x/U.cs", "", SourceFile.StripCommentsAndStrings("namespace GuidedCam.C;\npublic class U {}")),
            new SourceFile("x/V.cs", "", SourceFile.StripCommentsAndStrings("namespace GuidedCam.A.D;\npublic class V {}")),
            new SourceFile("x/W.cs", "", SourceFile.StripCommentsAndStrings("namespace GuidedCam.E;\npublic class W {}")),
            new SourceFile("x/B.cs", "", SourceFile.StripCommentsAndStrings(
                "using GuidedCam.C;\nusing GuidedCam.E;\nnamespace GuidedCam.A.B;\n// W is only mentioned\nclass S { T t; U u; object v = D.V.Make(\"W\"); }")),
        };
        var graph = Graph(files);
        Assert.Equal(new[] { "A", "A.D", "C" }, graph["A.B"].Order(StringComparer.Ordinal));
        Assert.Empty(graph["A"]);
        Assert.Equal(new[] { "A.B -> A.D -> A.B" }, Cycles(new Dictionary<string, HashSet<string>> { ["A.B"] = ["A.D"], ["A.D"] = ["A.B"] }));
    }

    /// <summary>Namespaces of src/ (without the GuidedCam. prefix) and the namespaces each uses.</summary>
    private static Dictionary<string, HashSet<string>> SourceGraph() => Graph(SourceFile.UnderSrc());

    private static Dictionary<string, HashSet<string>> Graph(IReadOnlyList<SourceFile> files)
    {
        var declared = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var parsed = new List<(string Ns, string Code)>();
        foreach (var f in files)
        {
            // Top-level statements (Program.cs) belong to the project's root namespace.
            string ns = Regex.Match(f.Code, @"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline) is { Success: true } m ? m.Groups[1].Value : RootNamespaceOf(f.RelativePath);
            parsed.Add((ns, f.Code));
            var types = declared.TryGetValue(ns, out var t) ? t : declared[ns] = new HashSet<string>(StringComparer.Ordinal);
            foreach (Match d in Regex.Matches(f.Code, @"\b(?:class|record|struct|interface|enum)\s+(?:class\s+|struct\s+)?([A-Z]\w*)"))
                types.Add(d.Groups[1].Value);
        }
        var graph = declared.Keys.ToDictionary(Short, _ => new HashSet<string>(StringComparer.Ordinal));
        foreach (var (ns, code) in parsed)
        {
            var uses = graph[Short(ns)];
            var usings = Regex.Matches(code, @"^using\s+(GuidedCam[\w.]*)\s*;", RegexOptions.Multiline).Select(u => u.Groups[1].Value).ToHashSet();
            string body = Regex.Replace(code, @"^using\s[^\n]*$", "", RegexOptions.Multiline);
            var names = Regex.Matches(body, @"\b[A-Z]\w*\b").Select(n => n.Value).ToHashSet(StringComparer.Ordinal);
            var parents = Parents(ns).ToList();
            foreach (string visible in usings.Concat(parents))
                if (declared.TryGetValue(visible, out var types) && types.Overlaps(names)) uses.Add(Short(visible));
            foreach (Match s in Regex.Matches(code, @"^using\s+static\s+(GuidedCam[\w.]*)\.\w+\s*;", RegexOptions.Multiline))
                uses.Add(Short(s.Groups[1].Value));
            // Qualified names: the longest namespace a chain names from the root or from a parent, followed by one of its types.
            foreach (Match q in Regex.Matches(body, @"(?<![\w.])([A-Z]\w*(?:\.[A-Z]\w*)+)"))
            {
                var chain = q.Groups[1].Value.Split('.');
                foreach (string start in new[] { "" }.Concat(new[] { ns }.Concat(parents).Select(p => p + ".")))
                {
                    string? best = null;
                    for (int k = 1; k < chain.Length; k++)
                    {
                        string candidate = start + string.Join('.', chain[..k]);
                        if (declared.TryGetValue(candidate, out var types) && types.Contains(chain[k])) best = candidate;
                    }
                    if (best is not null) { uses.Add(Short(best)); break; }
                }
            }
            uses.Remove(Short(ns));
        }
        return graph;
    }

    private static string RootNamespaceOf(string relativePath) =>
        relativePath.Replace('\\', '/').Split('/') is [_, var project, ..] ? $"{Root}.{project}" : Root;

    private static IEnumerable<string> Parents(string ns)
    {
        for (int i = ns.LastIndexOf('.'); i > 0; i = ns.LastIndexOf('.', i - 1))
            yield return ns[..i];
    }

    private static string Short(string ns) => ns.StartsWith(Root + ".", StringComparison.Ordinal) ? ns[(Root.Length + 1)..] : ns;

    /// <summary>
    /// The rows of the table under "## Dependencies" in docs/architecture.md: "| `A` | `B`, `C` |"
    /// (namespaces without the GuidedCam. prefix; "—" for none).
    /// </summary>
    private static Dictionary<string, HashSet<string>> DocumentedGraph()
    {
        string doc = File.ReadAllText(Path.Combine(SharedPaths.RepoRoot, "docs", "architecture.md"));
        int start = doc.IndexOf("## Dependencies", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/architecture.md has no '## Dependencies' section");
        int end = doc.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string section = end < 0 ? doc[start..] : doc[start..end];
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (Match row in Regex.Matches(section, @"^\|\s*`([\w.]+)`\s*\|([^|\n]*)\|\s*$", RegexOptions.Multiline))
            graph[row.Groups[1].Value] = Regex.Matches(row.Groups[2].Value, @"`([\w.]+)`").Select(u => u.Groups[1].Value).ToHashSet(StringComparer.Ordinal);
        Assert.True(graph.Count > 0, "docs/architecture.md's Dependencies section has no table rows like | `Namespace` | `Used`, … |");
        return graph;
    }

    /// <summary>One line per cycle found by depth-first search ("A -> B -> A"); empty when the graph is acyclic.</summary>
    private static List<string> Cycles(Dictionary<string, HashSet<string>> graph)
    {
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 = on the stack, 2 = done
        var stack = new List<string>();
        var cycles = new List<string>();
        void Visit(string n)
        {
            state[n] = 1;
            stack.Add(n);
            foreach (string m in graph.GetValueOrDefault(n, []).Order(StringComparer.Ordinal))
            {
                if (state.GetValueOrDefault(m) == 1) cycles.Add(string.Join(" -> ", stack[stack.IndexOf(m)..].Append(m)));
                else if (state.GetValueOrDefault(m) == 0) Visit(m);
            }
            stack.RemoveAt(stack.Count - 1);
            state[n] = 2;
        }
        foreach (string n in graph.Keys.Order(StringComparer.Ordinal))
            if (state.GetValueOrDefault(n) == 0) Visit(n);
        return cycles;
    }
}
