using System.Globalization;

namespace GuidedCam.Core;

/// <summary>
/// One declared option: its name, default and (optionally) the values allowed. A null default means
/// the option is absent unless given (a model's `weights`, a dataset's `limit`).
/// </summary>
public sealed record OptionSpec(string Name, string? Default, string Description, IReadOnlyList<string>? Allowed = null);

/// <summary>
/// Resolves user options against a component's declared options (methods, metrics, models and
/// datasets alike); unknown keys and bad values are <see cref="ArgumentException"/>s that carry the
/// key (<see cref="KeyOf"/>), so the config layer can point at the key's YAML line.
/// </summary>
public static class OptionResolver
{
    private const string KeyData = "GuidedCam.OptionKey";

    /// <summary>The error for a bad option <paramref name="key"/>: its message as given, the key attached for <see cref="KeyOf"/>.</summary>
    /// <summary>
    /// Options in the canonical "k=v;k=v" form (keys in ordinal order) under which results are recorded
    /// and compared, so two protocols never compare equal and one protocol always does. Every character
    /// of <see cref="Reserved"/> in a key or value is escaped with a backslash, so the text is unambiguous:
    /// two different option sets never give one text (a value holding ';' or '=' cannot pass for two
    /// options), and the method and metric keys "id[options]@seed" built from it cannot collide either.
    /// Options without those characters (every built-in option) read as they always did.
    /// </summary>
    public static string Canonical(IReadOnlyDictionary<string, string> options) =>
        string.Join(';', options.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{Escape(kv.Key)}={Escape(kv.Value)}"));

    /// <summary>The characters <see cref="Canonical"/> escapes: its separators, the key's brackets and seed mark, and the escape itself.</summary>
    public const string Reserved = "\\;=[]@";

    /// <summary>True when <paramref name="text"/> holds a character that <see cref="Canonical"/> escapes.</summary>
    public static bool NeedsEscape(string text) => text.AsSpan().IndexOfAny(Reserved) >= 0;

    private static string Escape(string text)
    {
        if (!NeedsEscape(text)) return text;
        var b = new System.Text.StringBuilder(text.Length + 4);
        foreach (char c in text)
        {
            if (Reserved.Contains(c)) b.Append('\\');
            b.Append(c);
        }
        return b.ToString();
    }

    /// <summary>
    /// Inverse of <see cref="Canonical"/>: "k=v;k=v" (with its escapes) to a dictionary. A part without an
    /// unescaped '=', a dangling escape or a repeated key is a <see cref="FormatException"/>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ParseCanonical(string canonical)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(canonical)) return d;
        var current = new System.Text.StringBuilder();
        string? key = null;
        void EndPart()
        {
            if (key is null || key.Length == 0) throw new FormatException($"options '{canonical}': a part is not key=value");
            if (!d.TryAdd(key, current.ToString())) throw new FormatException($"options '{canonical}': key '{key}' given twice");
            key = null;
            current.Clear();
        }
        for (int i = 0; i < canonical.Length; i++)
        {
            char c = canonical[i];
            if (c == '\\')
            {
                if (++i == canonical.Length) throw new FormatException($"options '{canonical}': ends in an escape");
                current.Append(canonical[i]);
            }
            else if (c == '=' && key is null) { key = current.ToString(); current.Clear(); }
            else if (c == ';') EndPart();
            else current.Append(c);
        }
        EndPart();
        return d;
    }

    public static ArgumentException Error(string key, string message)
    {
        var e = new ArgumentException(message);
        e.Data[KeyData] = key;
        return e;
    }

    /// <summary>The option key an error is about, or null when it is not about one key.</summary>
    public static string? KeyOf(Exception e) => e.Data[KeyData] as string;

    public static IReadOnlyDictionary<string, string> Resolve(string owner, IReadOnlyList<OptionSpec> specs, IReadOnlyDictionary<string, string>? given)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in specs)
            if (s.Default is not null) result[s.Name] = s.Default;
        if (given != null)
        {
            foreach (var (key, value) in given)
            {
                var spec = specs.FirstOrDefault(s => s.Name == key);
                if (spec is null)
                {
                    string allowed = specs.Count == 0 ? "it takes no options" : "allowed: " + string.Join(", ", specs.Select(s => s.Name));
                    throw OptionResolver.Error(key, $"'{owner}' has no option '{key}' ({allowed})");
                }
                if (spec.Allowed is { Count: > 0 } && !spec.Allowed.Contains(value))
                    throw OptionResolver.Error(key, $"'{owner}.{key}' cannot be '{value}' (allowed: {string.Join(", ", spec.Allowed)})");
                result[key] = value;
            }
        }
        return result;
    }

    /// <summary>The one parser of whole-number settings (options, YAML keys, command-line values): invariant culture, at least <paramref name="min"/>.</summary>
    public static bool TryParseWholeNumber(string? text, int min, out int value) => TryParseWholeNumber(text, min, int.MaxValue, out value);

    /// <summary>Like <see cref="TryParseWholeNumber(string?, int, out int)"/>, also at most <paramref name="max"/>.</summary>
    public static bool TryParseWholeNumber(string? text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;

    public static int GetInt(this IReadOnlyDictionary<string, string> o, string owner, string key, int min = int.MinValue)
    {
        if (!TryParseWholeNumber(o[key], min, out int v))
            throw OptionResolver.Error(key, $"'{owner}.{key}' must be a whole number ≥ {min}, not '{o[key]}'");
        return v;
    }

    /// <summary>Like <see cref="GetInt"/> for an option without default: null when it is not given.</summary>
    public static int? GetIntOrNull(this IReadOnlyDictionary<string, string> o, string owner, string key, int min = int.MinValue) =>
        o.ContainsKey(key) ? o.GetInt(owner, key, min) : null;

    public static double GetDouble(this IReadOnlyDictionary<string, string> o, string owner, string key)
    {
        if (!double.TryParse(o[key], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw OptionResolver.Error(key, $"'{owner}.{key}' must be a number, not '{o[key]}'");
        return v;
    }

    /// <summary>The value of an option without default, or null when it is not given.</summary>
    public static string? GetOrNull(this IReadOnlyDictionary<string, string> o, string key) => o.TryGetValue(key, out var v) ? v : null;
}
