using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>What one address text resolved to: the outcome to count, the anonymized values and the geo
/// fields. Immutable and shared through the cache, so it holds strings and immutable literals, never the
/// mutable nodes that go into a record.</summary>
internal sealed class GeoLookupResult
{
    public const string Hit = "hit";
    public const string Miss = "miss";
    public const string Private = "private";
    public const string MalformedOutcome = "malformed";

    /// <summary>The result of a text with no address in it.</summary>
    public static readonly GeoLookupResult Malformed = new() { Outcome = MalformedOutcome };

    /// <summary>hit, miss, private or malformed; null when no database is configured (nothing to count).</summary>
    public string? Outcome { get; init; }

    public bool IsMalformed => ReferenceEquals(Outcome, MalformedOutcome);

    /// <summary>True when there is anything to write into the record.</summary>
    public bool HasFields => ClientIp is not null || ClientIpHash is not null || HasGeo || AsNumber is not null || AsOrganizationName is not null;

    public bool HasGeo => CountryIsoCode is not null || CountryName is not null || CityName is not null || RegionIsoCode is not null
        || ContinentCode is not null || TimeZone is not null || Latitude is not null;

    /// <summary>The value of <c>client.ip</c> under the policy (null: no <c>client.ip</c>).</summary>
    public string? ClientIp { get; init; }

    /// <summary>The value of <c>client.ip_hash</c> (hmac policy only).</summary>
    public string? ClientIpHash { get; init; }

    public string? CountryIsoCode { get; init; }

    public string? CountryName { get; init; }

    public string? CityName { get; init; }

    public string? RegionIsoCode { get; init; }

    public string? ContinentCode { get; init; }

    public string? TimeZone { get; init; }

    public LogLiteral? Latitude { get; init; }

    public LogLiteral? Longitude { get; init; }

    public LogLiteral? AsNumber { get; init; }

    public string? AsOrganizationName { get; init; }
}
