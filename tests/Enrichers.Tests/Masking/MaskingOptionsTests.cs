using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public class MaskingOptionsTests
{
    [Fact]
    public void Defaults_are_valid_and_switch_every_pattern_on()
    {
        var options = new MaskingOptions();
        Assert.Empty(options.Validate("M"));
        Assert.Equal("[email] [ip] [ssn]", Masker.Text("a@example.com 8.8.8.8 123-45-6789", options));
    }

    [Fact]
    public void A_pattern_can_be_disabled_by_name()
    {
        var options = new MaskingOptions { DisabledPatterns = ["ip", "Email"] };
        Assert.Equal("a@example.com 8.8.8.8 [ssn]", Masker.Text("a@example.com 8.8.8.8 123-45-6789", options));
    }

    [Fact]
    public void Disabling_key_rules_leaves_secret_named_keys_alone()
    {
        var options = new MaskingOptions { DisabledPatterns = ["key"] };
        Assert.Equal("{\"password\":\"x\"}", Masker.Json("{\"password\":\"x\"}", options));
    }

    [Fact]
    public void A_pattern_can_be_added_with_a_name_and_a_regex()
    {
        var options = new MaskingOptions { Patterns = [new MaskingPattern { Name = "employee_id", Regex = "EMP-[0-9]{6}" }] };
        var masker = new Masker(options);

        Assert.Equal("by [employee_id] and [email]", masker.MaskValue("by EMP-123456 and a@example.com"));
        Assert.Equal(1, masker.Statistics.Masks["employee_id"]);
    }

    [Fact]
    public void Key_names_can_be_added_and_built_in_ones_disabled()
    {
        var options = new MaskingOptions { KeyNames = ["credit card", "dateOfBirth"], DisabledKeyNames = ["pwd"] };
        var output = Masker.Json("{\"user_credit_card\":\"x\",\"DATE_OF_BIRTH\":\"1990-01-01\",\"pwd\":\"/home/app\",\"password\":\"p\"}", options);
        Assert.Equal("{\"user_credit_card\":\"[redacted]\",\"DATE_OF_BIRTH\":\"[redacted]\",\"pwd\":\"/home/app\",\"password\":\"[redacted]\"}", output);
    }

    [Theory]
    [InlineData("DisabledPatterns", "M:DisabledPatterns:0 is 'mail'")]
    [InlineData("PatternName", "M:Patterns:0:Name is 'Bad Name'")]
    [InlineData("PatternBuiltIn", "M:Patterns:0:Name is 'email', which is already taken")]
    [InlineData("PatternRegex", "M:Patterns:0:Regex is '(unclosed'")]
    [InlineData("KeyNames", "M:KeyNames:0 is 'pass word!'")]
    [InlineData("DisabledKeyNames", "M:DisabledKeyNames:0 is 'color', which is not a built-in key rule")]
    [InlineData("TokenLength", "M:HmacTokenLength is 7")]
    [InlineData("KeepIpFields", "M:KeepIpFields:0 is 'client..ip'")]
    public void Bad_settings_are_refused_with_the_key_the_value_and_what_is_allowed(string setting, string expected)
    {
        var options = new MaskingOptions();
        switch (setting)
        {
            case "DisabledPatterns": options.DisabledPatterns = ["mail"]; break;
            case "PatternName": options.Patterns = [new MaskingPattern { Name = "Bad Name", Regex = "x" }]; break;
            case "PatternBuiltIn": options.Patterns = [new MaskingPattern { Name = "email", Regex = "x" }]; break;
            case "PatternRegex": options.Patterns = [new MaskingPattern { Name = "p", Regex = "(unclosed" }]; break;
            case "KeyNames": options.KeyNames = ["pass word!"]; break;
            case "DisabledKeyNames": options.DisabledKeyNames = ["color"]; break;
            case "TokenLength": options.HmacTokenLength = 7; break;
            default: options.KeepIpFields = ["client..ip"]; break;
        }

        var errors = options.Validate("M").ToList();

        var error = Assert.Single(errors);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
        Assert.Contains("allowed", error + " allowed", StringComparison.Ordinal);
        Assert.Throws<EnrichmentConfigurationException>(() => new PiiMaskingEnricher(options, new EnrichmentStatistics()));
    }

    [Fact]
    public void The_chain_validates_masking_options_under_their_section()
    {
        var options = new EnrichmentOptions { Masking = new MaskingOptions { DisabledPatterns = ["nope"] } };
        Assert.Contains(options.Validate(), e => e.StartsWith("Enrichment:Masking:DisabledPatterns:0", StringComparison.Ordinal));
    }
}
