using System.Text;
using Enrichers.Tracing;

namespace Enrichers.Tests.Tracing;

public sealed class TraceKeyTests
{
    [Fact]
    public void A_w3c_id_packed_at_once_gives_the_key_the_constructor_gives_and_it_can_be_made_again_from_its_parts()
    {
        var id = "4bf92f3577b34da6a3ce929d0e0e4736"u8;
        var made = new TraceKey(id);

        Assert.True(TraceKey.TryPacked(id, out var packed));
        var again = TraceKey.Packed(packed.Low, packed.High, packed.Hash);

        foreach (var key in new[] { (packed.Low, packed.High, packed.Shape, packed.Hash), (again.Low, again.High, again.Shape, again.Hash) })
        {
            Assert.Equal((made.Low, made.High, made.Shape, made.Hash), key);
        }

        Assert.True(packed.Rest.IsEmpty);
    }

    [Theory]
    [InlineData("4BF92F3577B34DA6A3CE929D0E0E4736")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e47366")]
    [InlineData("4bf92f3577b34da6a3ce929d0e0e473g")]
    [InlineData("00f067aa0ba902b7")]
    [InlineData("")]
    public void Only_thirty_two_lowercase_hex_characters_are_packed(string id)
    {
        var bytes = Encoding.UTF8.GetBytes(id);

        Assert.False(TraceKey.TryPacked(bytes, out _));

        // Such an ID keeps the form the constructor gives it (its bytes, not packed).
        var key = new TraceKey(bytes);
        Assert.Equal(bytes.Length, key.Shape);
    }
}
