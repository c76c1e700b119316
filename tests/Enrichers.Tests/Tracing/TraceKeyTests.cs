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

    [Fact]
    public void The_vector_packer_judges_and_packs_every_byte_at_every_place_as_the_framework_decoder_does()
    {
        // Each of the 256 byte values at each of the 32 places of a valid lowercase ID, then random IDs over an
        // alphabet of hex digits in both cases and the bytes either side of each digit range.
        var valid = "4bf92f3577b34da6a3ce929d0e0e4736"u8.ToArray();
        for (var place = 0; place < valid.Length; place++)
        {
            for (var value = 0; value < 256; value++)
            {
                var id = (byte[])valid.Clone();
                id[place] = (byte)value;
                AgreesWithTheFrameworkDecoder(id);
            }
        }

        var alphabet = "0123456789abcdefABCDEF/:@G`gz\0\u007f"u8.ToArray().Append((byte)0x80).Append((byte)0xff).ToArray();
        var random = new Random(20261207);
        for (var n = 0; n < 100_000; n++)
        {
            var id = new byte[random.Next(4) == 0 ? random.Next(40) : 32];
            for (var i = 0; i < id.Length; i++)
            {
                id[i] = random.Next(8) == 0 ? alphabet[random.Next(alphabet.Length)] : alphabet[random.Next(16)];
            }

            AgreesWithTheFrameworkDecoder(id);
        }
    }

    private static void AgreesWithTheFrameworkDecoder(byte[] id)
    {
        var decoded = new byte[16];
        var expected = id.Length == 32
            && Convert.FromHexString(id, decoded, out _, out var written) == System.Buffers.OperationStatus.Done
            && written == 16
            && !id.AsSpan().ContainsAnyInRange((byte)'A', (byte)'F');

        var packed = TraceKey.TryPackLowercaseHex(id, out var low, out var high);

        Assert.True(expected == packed, Encoding.Latin1.GetString(id));
        if (packed)
        {
            Assert.Equal(BitConverter.ToUInt64(decoded, 0), low);
            Assert.Equal(BitConverter.ToUInt64(decoded, 8), high);
        }
    }

    [Fact]
    public void Ids_one_apart_spread_over_the_index_places_as_random_ones_would()
    {
        // The index takes the low bits of the hash: 65,536 IDs that differ only in their last hex digits must fill
        // about 1 - 1/e of 65,536 places, as random places would (63.2 %), not a few of them.
        var places = new HashSet<int>();
        for (var i = 0; i < 65_536; i++)
        {
            var id = Encoding.ASCII.GetBytes($"4bf92f3577b34da6a3ce929d0e{i:x6}");
            Assert.True(TraceKey.TryPacked(id, out var key));
            places.Add(key.Hash & 0xFFFF);
        }

        Assert.InRange(places.Count, 40_000, 43_500);
    }
}
