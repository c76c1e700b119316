namespace Enrichers.Geo;

/// <summary>What <see cref="GeoAddressCache"/> keeps of one address's lookup: its <see cref="GeoOutcome"/> (as a
/// byte, which can be read with a volatile read), the
/// records found (null: none) and the first 128 bits of its <c>hmac</c> token (zero under other policies).</summary>
internal struct GeoAddressEntry
{
    public byte Outcome;
    public GeoCityRecord? City;
    public GeoAsnRecord? Asn;
    public ulong Token0;
    public ulong Token1;

    public GeoAddressEntry(byte outcome, GeoCityRecord? city, GeoAsnRecord? asn, ulong token0, ulong token1)
    {
        Outcome = outcome;
        City = city;
        Asn = asn;
        Token0 = token0;
        Token1 = token1;
    }
}
