namespace Enrichers.Tests.Masking;

/// <summary>Issue 21: e-mail addresses in the forms real logs write them.</summary>
public class EmailFormTests
{
    [Theory]
    [InlineData("from o'neil.kate@example.ie ok", "from [email] ok")]
    [InlineData("to 'jane@example.com'", "to '[email]'")]
    [InlineData("to jane+billing@example.io", "to [email]")]
    [InlineData("to \"john doe\"@example.com now", "to [email] now")]
    [InlineData("to jürgen@bücher.de", "to [email]")]
    [InlineData("to user@пример.рф.", "to [email].")]
    [InlineData("to user@例子.公司 ok", "to [email] ok")]
    [InlineData("to user@xn--bcher-kva.de", "to [email]")]
    [InlineData("to user@example.xn--p1ai", "to [email]")]
    [InlineData("mail jane@example.com’s inbox", "mail [email]’s inbox")]
    [InlineData("?to=user%40b%C3%BCcher.de&x=1", "?to=[email]&x=1")]
    [InlineData("{\"to\":\"jo\\u0068n@example.com\",\"n\":1} sent", "{\"to\":\"[email]\",\"n\":1} sent")]
    [InlineData("{\"to\":\"\\\"john doe\\\"@example.com\"} sent", "{\"to\":\"[email]\"} sent")]
    public void Addresses_are_masked_whole(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("x@y.c1")]
    [InlineData("user@localhost")]
    [InlineData("it's @ops' call")]
    [InlineData("\"quoted\" @ home")]
    public void Text_that_only_resembles_an_address_stays(string text) =>
        Assert.Equal(text, Masker.Text(text));
}
