namespace Enrichers.Geo;

/// <summary>What happens to the client address after the GeoIP lookup (<c>Enrichment:GeoIp:IpPolicy</c>).</summary>
public enum GeoIpAddressPolicy
{
    /// <summary>Default. <c>client.ip</c> gets the network address (IPv4 /24, IPv6 /48 by default): still a
    /// valid <c>ip</c> value for Elasticsearch, no longer one person's address. Source fields are removed.</summary>
    Truncate,

    /// <summary>As <see cref="Truncate"/>, plus <c>client.ip_hash</c>: a keyed HMAC-SHA256 token of the full
    /// address, so distinct clients can still be counted. Needs <c>HmacKey</c> or <c>HmacKeyFile</c>.</summary>
    Hmac,

    /// <summary><c>client.ip</c> gets the full address (normalized: no port, IPv4-mapped IPv6 as IPv4); the
    /// other source fields stay as received.</summary>
    Keep,

    /// <summary>No address is kept: <c>client.ip</c> and the source fields are removed.</summary>
    Remove,
}
