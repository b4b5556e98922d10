using System.Globalization;

namespace GuidedCam.Core;

/// <summary>One declared option: its name, default and (optionally) the values allowed.</summary>
public sealed record OptionSpec(string Name, string Default, string Description, IReadOnlyList<string>? Allowed = null);

/// <summary>Resolves user options against a method's (or metric's) declared options; unknown keys and bad values are errors.</summary>
public static class OptionResolver
{
    public static IReadOnlyDictionary<string, string> Resolve(string owner, IReadOnlyList<OptionSpec> specs, IReadOnlyDictionary<string, string>? given)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var s in specs) result[s.Name] = s.Default;
        if (given != null)
        {
            foreach (var (key, value) in given)
            {
                var spec = specs.FirstOrDefault(s => s.Name == key);
                if (spec is null)
                {
                    string allowed = specs.Count == 0 ? "it takes no options" : "allowed: " + string.Join(", ", specs.Select(s => s.Name));
                    throw new ArgumentException($"'{owner}' has no option '{key}' ({allowed})");
                }
                if (spec.Allowed is { Count: > 0 } && !spec.Allowed.Contains(value))
                    throw new ArgumentException($"'{owner}.{key}' cannot be '{value}' (allowed: {string.Join(", ", spec.Allowed)})");
                result[key] = value;
            }
        }
        return result;
    }

    public static int GetInt(this IReadOnlyDictionary<string, string> o, string owner, string key, int min = int.MinValue)
    {
        if (!int.TryParse(o[key], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min)
            throw new ArgumentException($"'{owner}.{key}' must be a whole number ≥ {min}, not '{o[key]}'");
        return v;
    }

    public static double GetDouble(this IReadOnlyDictionary<string, string> o, string owner, string key)
    {
        if (!double.TryParse(o[key], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new ArgumentException($"'{owner}.{key}' must be a number, not '{o[key]}'");
        return v;
    }
}
