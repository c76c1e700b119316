using System.Text;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public class TraceIdsTests
{
    // A producer's ID is normalized from chars (a decoded value) or from its UTF-8 bytes (an unescaped value read in
    // place): the two are written separately for speed, so the same ID must come out the same either way.
    [Theory]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("4bf92F3577b34da6a3ce929d0e0e4736")]
    [InlineData("00F067AA0BA902B7")]
    [InlineData("00f067aa0ba902b7")]
    [InlineData("00000000000000000000000000000000")]
    [InlineData("0000000000000000")]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E473")]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E47360")]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E473G")]
    [InlineData("ORDER-4711-ABCDEF")]
    [InlineData("abc")]
    [InlineData("")]
    public void A_producer_id_is_normalized_alike_from_chars_and_from_utf8(string id)
    {
        var fromChars = TraceIds.NormalizeProducerId(id, new char[64]).ToString();

        var fromBytes = TraceIds.NormalizeProducerId(Encoding.UTF8.GetBytes(id), new byte[64], out var lowercased);

        Assert.Equal(fromChars, Encoding.UTF8.GetString(fromBytes));
        Assert.Equal(fromChars != id, lowercased);
    }
}
