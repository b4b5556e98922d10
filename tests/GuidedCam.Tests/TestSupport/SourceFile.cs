using System.Text.RegularExpressions;

namespace GuidedCam.Tests.TestSupport;

/// <summary>
/// The C# files under src/ as the architecture tests read them: path relative to the repository,
/// text with comments and string literals blanked (so prose and messages never count as code), and
/// the raw text (for checks on literals). bin/ and obj/ are left out.
/// </summary>
public sealed record SourceFile(string RelativePath, string Raw, string Code)
{
    public static IReadOnlyList<SourceFile> UnderSrc()
    {
        string src = Path.Combine(SharedPaths.RepoRoot, "src");
        return Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(p => !p.Split(Path.DirectorySeparatorChar).Any(d => d is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .Select(p => { string raw = File.ReadAllText(p); return new SourceFile(Path.GetRelativePath(SharedPaths.RepoRoot, p), raw, StripCommentsAndStrings(raw)); })
            .ToList();
    }

    /// <summary>Comments removed; string and char literals (raw, verbatim, interpolated, plain) emptied, line breaks kept.</summary>
    public static string StripCommentsAndStrings(string text)
    {
        var pattern = new Regex(
            "\"\"\"[\\s\\S]*?\"\"\"" +            // raw string literal
            "|@\\$?\"(?:[^\"]|\"\")*\"" +          // verbatim (interpolated) string
            "|\\$?\"(?:\\\\.|[^\"\\\\\\n])*\"" +   // plain or interpolated string
            "|'(?:\\\\.|[^'\\\\\\n])'" +           // char literal
            "|//[^\\n]*" +                         // line comment
            "|/\\*[\\s\\S]*?\\*/");                // block comment
        return pattern.Replace(text, m => m.Value.StartsWith('/') || m.Value.StartsWith('\'')
            ? new string('\n', m.Value.Count(c => c == '\n'))
            : "\"\"" + new string('\n', m.Value.Count(c => c == '\n')));
    }
}
