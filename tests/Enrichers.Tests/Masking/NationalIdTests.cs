namespace Enrichers.Tests.Masking;

/// <summary>Issue 21: India's Aadhaar and PAN, the UK National Insurance number, after Presidio's validation rules.</summary>
public class NationalIdTests
{
    [Theory]
    [InlineData("aadhaar 2345 6789 0124 linked", "aadhaar [national_id] linked")]
    [InlineData("uid 2345-6789-0124", "uid [national_id]")]
    [InlineData("PAN: ABCPE1234F", "PAN: [national_id]")]
    [InlineData("pan=ABCPE1234F&ok=1", "pan=[national_id]&ok=1")]
    [InlineData("permanent account number ABCPE1234F verified", "permanent account number [national_id] verified")]
    [InlineData("NI AB 12 34 56 C on file", "NI [national_id] on file")]
    [InlineData("national insurance number AB123456C", "national insurance number [national_id]")]
    [InlineData("NINO: JG 10 37 86 A", "NINO: [national_id]")]
    public void National_identifiers_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("2345 6789 0123")]
    [InlineData("1234 5678 9012")]
    [InlineData("arn:aws:iam::234567890124:role/x")]
    [InlineData("code ABCPE1234F shipped")]
    [InlineData("code ABCDE1234F")]
    [InlineData("AB123456C")]
    [InlineData("GB 12 34 56 C")]
    [InlineData("QQ 12 34 56 C")]
    [InlineData("AB 12 34 56 E")]
    public void Look_alikes_without_the_checks_or_the_context_stay(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Fact]
    public void National_identifiers_can_be_switched_off()
    {
        var options = new Enrichers.Masking.MaskingOptions { DisabledPatterns = ["national_id"] };
        Assert.Equal("PAN: ABCPE1234F", Masker.Text("PAN: ABCPE1234F", options));
    }
}
