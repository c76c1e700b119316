using System.Text;
using Enrichers.Errors;

namespace Enrichers.Tests.Errors;

/// <summary>Issue 20, review of other per-record work: phrase matching reads a text in time linear in its length,
/// asserted on the characters it examines (a deterministic count, not a clock).</summary>
public sealed class PhraseMatcherWorstCaseTests
{
    private const int MiB = 1024 * 1024;

    private static readonly PhraseMatcher Matcher = new(ErrorCategoryOptions.DefaultRules);

    // First words of multi-word phrases followed by near-misses, long gaps and long words.
    public static readonly TheoryData<string> Units = new()
    {
        "rate ", "timed ", "connection ", "too many ", "no space left ", "rate-", "rate_x ", "timed !", "a ", "-", " ",
        "connection reset-by ", "out of ", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ",
    };

    [Theory]
    [MemberData(nameof(Units))]
    public void A_1_MiB_text_of_near_misses_costs_at_most_a_few_reads_per_character(string unit)
    {
        var text = Repeat(unit, MiB);
        Matcher.FirstRule(text, ErrorCategoryOptions.DefaultRules.Count, out var work);
        Assert.True(work <= 4L * text.Length, $"\"{unit}\": {work / (double)text.Length:F1} reads per character");
    }

    [Fact]
    public void A_phrase_after_a_megabyte_of_separators_is_still_found()
    {
        var rules = new[] { new ErrorCategoryRule("network", ["connection refused"], []) };
        var matcher = new PhraseMatcher(rules);
        var text = "connection" + new string(' ', MiB) + "refused";
        Assert.Equal(0, matcher.FirstRule(text, 1, out var work));
        Assert.True(work <= 3L * text.Length);
        Assert.Equal(1, matcher.FirstRule("connection" + new string(' ', MiB) + "refusedx", 1));
    }

    private static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length + unit.Length <= length)
        {
            builder.Append(unit);
        }

        return builder.ToString();
    }
}
