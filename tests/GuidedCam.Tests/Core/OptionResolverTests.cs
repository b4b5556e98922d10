using GuidedCam.Core;
using GuidedCam.Harness.Results;

namespace GuidedCam.Tests.Core;

/// <summary>The canonical options text every cell key holds: unambiguous, and unchanged for options without reserved characters.</summary>
public sealed class OptionResolverTests
{
    private static Dictionary<string, string> D(params string[] kv)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < kv.Length; i += 2) d[kv[i]] = kv[i + 1];
        return d;
    }

    [Fact]
    public void A_value_holding_separators_cannot_pass_for_two_options()
    {
        // Unescaped, both gave "a=1;b=2": one option whose value is "1;b=2", and two options.
        var one = OptionResolver.Canonical(D("a", "1;b=2"));
        var two = OptionResolver.Canonical(D("a", "1", "b", "2"));
        Assert.NotEqual(one, two);
        Assert.Equal(@"a=1\;b\=2", one);
        Assert.Equal(D("a", "1;b=2"), OptionResolver.ParseCanonical(one));
        Assert.Equal(D("a", "1", "b", "2"), OptionResolver.ParseCanonical(two));
    }

    [Fact]
    public void Keys_built_from_the_text_do_not_collide_either()
    {
        // "id[options]@seed": a value ending in "]@3" must not read as a seeded key.
        string seeded = JournalCell.MethodKeyOf("m", OptionResolver.Canonical(D("k", "v")), 3);
        string unseeded = JournalCell.MethodKeyOf("m", OptionResolver.Canonical(D("k", "v]@3")), null);
        Assert.NotEqual(seeded, unseeded);
    }

    [Fact]
    public void Options_without_reserved_characters_read_as_before()
    {
        // The texts of schema-2 journals (every built-in option) are unchanged, so their cells keep their keys.
        Assert.Equal("percentiles=10,20,30;step=224;target=predicted",
            OptionResolver.Canonical(D("target", "predicted", "step", "224", "percentiles", "10,20,30")));
        Assert.Equal("", OptionResolver.Canonical(D()));
    }

    [Fact]
    public void Different_option_sets_never_give_one_text()
    {
        // Every set of up to two options over keys and values drawn from an alphabet rich in reserved
        // characters: the text determines the set (parsing it back gives the set), so no two sets share it.
        string[] atoms = ["", "a", ";", "=", "\\", "[", "]", "@", "a;b", "a=b", "a\\", "\\;", "x]@1"];
        var seen = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var sets = new List<Dictionary<string, string>> { D() };
        foreach (var k1 in atoms.Where(a => a.Length > 0))
            foreach (var v1 in atoms)
            {
                sets.Add(D(k1, v1));
                foreach (var k2 in atoms.Where(a => a.Length > 0 && string.CompareOrdinal(a, k1) > 0))
                    foreach (var v2 in new[] { "", "=", ";", "b" })
                        sets.Add(D(k1, v1, k2, v2));
            }
        foreach (var set in sets)
        {
            string text = OptionResolver.Canonical(set);
            if (seen.TryGetValue(text, out var other))
                Assert.Fail($"'{text}' is the text of two sets: [{string.Join(",", other)}] and [{string.Join(",", set)}]");
            seen[text] = set;
            Assert.Equal(set, OptionResolver.ParseCanonical(text));
        }
        Assert.True(seen.Count > 1000, $"{seen.Count} sets");
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a=1;b")]
    [InlineData("a=1\\")]
    [InlineData("a=1;a=2")]
    public void Malformed_texts_are_refused(string text) =>
        Assert.Throws<FormatException>(() => OptionResolver.ParseCanonical(text));
}
