using System.Net;
using Enrichers.Geo;

namespace Enrichers.Tests.Geo;

public sealed class ClientAddressParserTests
{
    [Theory]
    [InlineData("81.2.69.160", "81.2.69.160")]
    [InlineData("81.2.69.160:5678", "81.2.69.160")]
    [InlineData("::ffff:81.2.69.160", "81.2.69.160")]
    [InlineData("[::ffff:81.2.69.160]:80", "81.2.69.160")]
    [InlineData("2001:DB8::1", "2001:db8::1")]
    [InlineData("[2001:db8::1]", "2001:db8::1")]
    [InlineData("[2001:db8::1]:443", "2001:db8::1")]
    [InlineData("fe80::1%eth0", "fe80::1")]
    [InlineData("  10.0.0.1\t", "10.0.0.1")]
    [InlineData("010.001.002.003", "10.1.2.3")]
    [InlineData("0.0.0.0", "0.0.0.0")]
    [InlineData("255.255.255.255:65535", "255.255.255.255")]
    public void Addresses_are_read_in_the_forms_logs_use(string text, string expected)
    {
        Assert.True(ClientAddressParser.TryParse(text, out var address));
        Assert.Equal(ClientAddress.From(IPAddress.Parse(expected)), address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("1.2.3")]
    [InlineData("1")]
    [InlineData("0x7f.0.0.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.4:")]
    [InlineData("1.2.3.4:abc")]
    [InlineData("1234.2.3.4")]
    [InlineData("256.2.3.4")]
    [InlineData("1.2.3.4.")]
    [InlineData(".1.2.3.4")]
    [InlineData("1..3.4")]
    [InlineData("[1.2.3.4]")]
    [InlineData("[2001:db8::1]443")]
    [InlineData("2001:db8::1::2")]
    [InlineData("example.com")]
    [InlineData("١.٢.٣.٤")]
    public void Anything_else_is_not_an_address(string text)
    {
        Assert.False(ClientAddressParser.TryParse(text, out _));
    }

    [Theory]
    [InlineData("10.0.0.1, 81.2.69.160, 8.8.8.8", "81.2.69.160")]
    [InlineData("unknown, 192.168.0.1, 2001:218::1", "2001:218::1")]
    [InlineData("10.0.0.1, 192.168.0.1", "10.0.0.1")]
    [InlineData("garbage,,8.8.8.8:53", "8.8.8.8")]
    public void A_list_gives_its_first_public_address_else_its_first_address(string list, string expected)
    {
        Assert.True(ClientAddressParser.TryPick(list, out var address));
        Assert.Equal(ClientAddress.From(IPAddress.Parse(expected)), address);
    }

    [Theory]
    [InlineData("81.2.69.160", true)]
    [InlineData("8.8.8.8", true)]
    [InlineData("2001:218::1", true)]
    [InlineData("2002:5102:45a0::1", true)]
    [InlineData("2002:0a00:0001::1", false)]
    [InlineData("198.18.0.1", false)]
    [InlineData("203.0.113.9", false)]
    [InlineData("64:ff9b::808:808", false)]
    [InlineData("fc00::1", false)]
    public void Only_global_unicast_addresses_are_public(string text, bool expected)
    {
        Assert.Equal(expected, IpAddressRanges.IsPublic(IPAddress.Parse(text)));
    }
}
