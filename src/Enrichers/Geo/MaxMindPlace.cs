using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>A continent, country, subdivision or city of a City database record: only its code and English
/// name (the geoname id, confidence and other locales are skipped by the reader).</summary>
internal sealed class MaxMindPlace
{
    [Constructor]
    public MaxMindPlace([MapKey("iso_code")] string? isoCode, [MapKey("code")] string? code,
        [MapKey("names")] MaxMindNames? names)
    {
        IsoCode = isoCode;
        Code = code;
        Name = names?.English;
    }

    /// <summary><c>iso_code</c> of a country or subdivision.</summary>
    public string? IsoCode { get; }

    /// <summary><c>code</c> of a continent.</summary>
    public string? Code { get; }

    public string? Name { get; }
}
