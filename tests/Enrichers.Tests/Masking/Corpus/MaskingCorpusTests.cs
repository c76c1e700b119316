using System.Text;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>The corpus through the masking enricher with its default options. Each test reports every failing case of
/// a family at once (a leak report should list all leaks, not the first).</summary>
public sealed class MaskingCorpusTests
{
    public static TheoryData<string> FamilyNames()
    {
        var data = new TheoryData<string>();
        foreach (var family in MaskingCorpus.Families)
        {
            data.Add(family.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void No_planted_value_of_the_family_survives_masking_in_any_decoded_form(string family)
    {
        var leaks = new StringBuilder();
        foreach (var @case in MaskingCorpus.Cases(MaskingCorpus.Family(family)))
        {
            var output = new MaskedOutput(Masker.Json(@case.RecordJson));
            foreach (var planted in @case.Planted.Where(output.Contains))
            {
                leaks.AppendLine($"{@case.Name}: '{planted}' leaked in {output.Raw}");
            }
        }

        Assert.True(leaks.Length == 0, leaks.ToString());
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void Must_keep_values_of_the_family_survive_masking_unchanged(string family)
    {
        var damage = new StringBuilder();
        foreach (var @case in MaskingCorpus.Cases(MaskingCorpus.Family(family)))
        {
            var output = new MaskedOutput(Masker.Json(@case.RecordJson));
            foreach (var kept in @case.MustKeep.Where(k => !output.Contains(k)))
            {
                damage.AppendLine($"{@case.Name}: '{kept}' was damaged in {output.Raw}");
            }
        }

        Assert.True(damage.Length == 0, damage.ToString());
    }

    [Theory]
    [MemberData(nameof(FamilyNames))]
    public void Json_inside_strings_of_the_family_stays_valid_json_after_masking(string family)
    {
        var broken = new StringBuilder();
        foreach (var @case in MaskingCorpus.Cases(MaskingCorpus.Family(family)))
        {
            foreach (var path in MaskedOutput.BrokenInnerJson(@case.RecordJson, Masker.Json(@case.RecordJson)))
            {
                broken.AppendLine($"{@case.Name}: {path}");
            }
        }

        Assert.True(broken.Length == 0, broken.ToString());
    }

    [Fact]
    public void The_corpus_is_the_same_on_every_run()
    {
        var first = MaskingCorpus.All().Select(c => c.RecordJson).ToList();
        var second = MaskingCorpus.All().Select(c => c.RecordJson).ToList();

        Assert.Equal(first, second);
    }

    [Fact]
    public void Every_case_is_valid_json_and_plants_or_keeps_something()
    {
        foreach (var @case in MaskingCorpus.All())
        {
            using var document = System.Text.Json.JsonDocument.Parse(@case.RecordJson);
            Assert.True(@case.Planted.Count + @case.MustKeep.Count > 0, $"{@case} checks nothing");
            Assert.All(@case.Planted, p => Assert.True(p.Length >= 6, $"{@case}: planted '{p}' is too short to tell a leak from a coincidence"));
        }
    }

    [Fact]
    public void A_planted_value_hidden_by_json_escapes_inside_a_json_string_is_found()
    {
        var output = new MaskedOutput("""{"message":"{\"email\":\"jane\\u002edoe@example.com\"}"}""");

        Assert.True(output.Contains("jane.doe@example.com"));
    }

    [Fact]
    public void Inner_json_broken_by_masking_is_reported_but_a_whole_value_marker_is_not()
    {
        Assert.Equal(["$.payload: {\"a\":\"[email]"], MaskedOutput.BrokenInnerJson("""{"payload":"{\"a\":\"x\"}"}""", """{"payload":"{\"a\":\"[email]"}"""));
        Assert.Empty(MaskedOutput.BrokenInnerJson("""{"payload":"{\"a\":\"x\"}"}""", """{"payload":"[redacted]"}"""));
    }
}
