namespace Enrichers.Tests.Masking;

public class IpAddressTests
{
    [Theory]
    [InlineData("from 81.2.69.160 via", "from [ip] via")]
    [InlineData("connect ETIMEDOUT 104.18.7.192:443", "connect ETIMEDOUT [ip]:443")]
    [InlineData("http://8.8.8.8/x", "http://[ip]/x")]
    [InlineData("ip=172.32.0.1,", "ip=[ip],")]
    [InlineData("peer 100.64.0.7", "peer [ip]")]
    [InlineData("10.0.3.17, 89.160.20.112, 10.0.0.1", "10.0.3.17, [ip], 10.0.0.1")]
    [InlineData("range 8.8.8.8-8.8.4.4", "range [ip]-[ip]")]
    [InlineData("v6 2001:db8::1 and 2606:4700:4700::1111.", "v6 [ip] and [ip].")]
    [InlineData("[2a00:1450:4001:80b::200e]:443", "[[ip]]:443")]
    [InlineData("mapped ::ffff:89.160.20.112", "mapped ::ffff:[ip]")]
    public void Public_addresses_in_free_text_are_masked(string text, string expected) =>
        Assert.Equal(expected, Masker.Text(text));

    [Theory]
    [InlineData("10.12.0.4")]
    [InlineData("172.16.5.9 172.31.255.255")]
    [InlineData("192.168.1.20")]
    [InlineData("127.0.0.1:8080")]
    [InlineData("169.254.169.254")]
    [InlineData("0.0.0.0")]
    [InlineData("::1")]
    [InlineData("fe80::1ff:fe23:4567:890a")]
    [InlineData("fc00::1 fd12:3456:789a::1")]
    [InlineData("81.2.69.0")]
    [InlineData("2001:db8:1234::")]
    [InlineData("999.12.4.1")]
    public void Private_loopback_link_local_and_network_addresses_survive(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Theory]
    [InlineData("v1.2.3.4")]
    [InlineData("app-1.2.3.4")]
    [InlineData("1.2.3.4.5")]
    [InlineData("1.2.3.4-beta")]
    [InlineData("v2.14.3")]
    [InlineData("22:33:08")]
    [InlineData("00:1a:2b:3c:4d:5e")]
    [InlineData("dead::beef")]
    [InlineData("2026:11:26")]
    public void Versions_times_and_mac_addresses_are_not_ip_addresses(string text) =>
        Assert.Equal(text, Masker.Text(text));

    [Fact]
    public void A_dotted_quad_in_a_version_field_survives_but_not_elsewhere()
    {
        var output = Masker.Json("{\"app_version\":\"1.2.3.4\",\"build\":{\"Version\":\"5.6.7.8\"},\"note\":\"1.2.3.4\"}");
        Assert.Equal("{\"app_version\":\"1.2.3.4\",\"build\":{\"Version\":\"5.6.7.8\"},\"note\":\"[ip]\"}", output);
    }

    [Fact]
    public void Configured_fields_keep_their_address_nested_or_dotted()
    {
        var options = new Enrichers.Masking.MaskingOptions { KeepIpFields = ["client.ip"] };
        var output = Masker.Json("{\"client\":{\"ip\":\"81.2.69.160\"},\"client.ip\":\"81.2.69.161\",\"source\":{\"ip\":\"81.2.69.162\"}}", options);
        Assert.Equal("{\"client\":{\"ip\":\"81.2.69.160\"},\"client.ip\":\"81.2.69.161\",\"source\":{\"ip\":\"[ip]\"}}", output);
    }
}
