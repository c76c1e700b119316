using Enrichers.Json;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

public sealed class ReferenceDataTests
{
    [Fact]
    public void Reference_data_skips_the_built_in_patterns_but_not_key_rules_or_custom_patterns()
    {
        static LogRecord Record()
        {
            var record = LogRecordParser.TryParse("{\"a\":1}"u8.ToArray(), out _)!;
            record.Root.Set("city", record.NewReferenceString("Mail 81.2.69.142"));
            record.Root.Set("password", record.NewReferenceString("London"));
            return record;
        }

        var builtIn = Record();
        new PiiMaskingEnricher(new MaskingOptions(), new EnrichmentStatistics()).Enrich(builtIn);
        Assert.Equal("{\"a\":1,\"city\":\"Mail 81.2.69.142\",\"password\":\"[redacted]\"}", builtIn.ToString());

        var custom = Record();
        var options = new MaskingOptions { Patterns = [new MaskingPattern { Name = "mail", Regex = "Mail" }] };
        new PiiMaskingEnricher(options, new EnrichmentStatistics()).Enrich(custom);
        Assert.Equal("{\"a\":1,\"city\":\"[mail] [ip]\",\"password\":\"[redacted]\"}", custom.ToString());
    }

    [Fact]
    public void Setting_a_value_makes_a_reference_string_ordinary_again()
    {
        var record = LogRecordParser.TryParse("{\"a\":1}"u8.ToArray(), out _)!;
        var s = record.NewReferenceString("Europe/London");
        Assert.True(s.IsFromReferenceData);

        s.Value = "jane@example.com";

        Assert.False(s.IsFromReferenceData);
    }
}
