using Enrichers.Json;

namespace Enrichers.Geo;

/// <summary>Writes a lookup result into a record: <c>client.ip</c>, <c>client.ip_hash</c>,
/// <c>client.geo.*</c> and <c>client.as.*</c>.</summary>
internal static class GeoFieldWriter
{
    /// <summary>Writes the fields into the <c>client</c> object directly: one lookup per object instead of
    /// a path walk per field. A root-level dotted key of the same field is replaced in place, so a field
    /// never ends up twice.</summary>
    public static void Write(LogRecord record, GeoLookupResult result)
    {
        var root = record.Root;
        var client = root.GetOrAddObject("client");
        if (client is null)
        {
            // "client" holds a producer value that is not an object: keep it, write dotted keys.
            WriteByPath(record, result);
            return;
        }

        SetLeaf(root, client, FieldNames.ClientIp, "ip", Text(result.ClientIp));
        SetLeaf(root, client, GeoIpEnricher.ClientIpHashField, "ip_hash", Text(result.ClientIpHash));
        if (result.HasGeo)
        {
            var geo = client.GetOrAddObject("geo");
            if (geo is null)
            {
                WriteByPath(record, result);
                return;
            }

            // New nodes per record: cached results are shared, and later enrichers may change nodes in place.
            SetLeaf(root, geo, FieldNames.ClientGeoCountryIsoCode, "country_iso_code", Text(result.CountryIsoCode));
            SetLeaf(root, geo, FieldNames.ClientGeoCountryName, "country_name", Text(result.CountryName));
            SetLeaf(root, geo, FieldNames.ClientGeoCityName, "city_name", Text(result.CityName));
            SetLeaf(root, geo, FieldNames.ClientGeoRegionIsoCode, "region_iso_code", Text(result.RegionIsoCode));
            SetLeaf(root, geo, FieldNames.ClientGeoContinentCode, "continent_code", Text(result.ContinentCode));
            SetLeaf(root, geo, FieldNames.ClientGeoTimezone, "timezone", Text(result.TimeZone));
            SetLeaf(root, geo, FieldNames.ClientGeoLocation, "location", Location(result));
        }

        if (result.AsNumber is not null || result.AsOrganizationName is not null)
        {
            var asObject = client.GetOrAddObject("as");
            if (asObject is null)
            {
                WriteByPath(record, result);
                return;
            }

            SetLeaf(root, asObject, FieldNames.ClientAsNumber, "number", result.AsNumber);
            if (result.AsOrganizationName is not null)
            {
                var organization = asObject.GetOrAddObject("organization");
                if (organization is null)
                {
                    SetPath(record, FieldNames.ClientAsOrganizationName, Text(result.AsOrganizationName));
                }
                else
                {
                    SetLeaf(root, organization, FieldNames.ClientAsOrganizationName, "name", Text(result.AsOrganizationName));
                }
            }
        }
    }

    private static void WriteByPath(LogRecord record, GeoLookupResult result)
    {
        SetPath(record, FieldNames.ClientIp, Text(result.ClientIp));
        SetPath(record, GeoIpEnricher.ClientIpHashField, Text(result.ClientIpHash));
        SetPath(record, FieldNames.ClientGeoCountryIsoCode, Text(result.CountryIsoCode));
        SetPath(record, FieldNames.ClientGeoCountryName, Text(result.CountryName));
        SetPath(record, FieldNames.ClientGeoCityName, Text(result.CityName));
        SetPath(record, FieldNames.ClientGeoRegionIsoCode, Text(result.RegionIsoCode));
        SetPath(record, FieldNames.ClientGeoContinentCode, Text(result.ContinentCode));
        SetPath(record, FieldNames.ClientGeoTimezone, Text(result.TimeZone));
        SetPath(record, FieldNames.ClientGeoLocation, Location(result));
        SetPath(record, FieldNames.ClientAsNumber, result.AsNumber);
        SetPath(record, FieldNames.ClientAsOrganizationName, Text(result.AsOrganizationName));
    }

    private static void SetLeaf(LogObject root, LogObject parent, string path, string leaf, LogNode? value)
    {
        if (value is null)
        {
            return;
        }

        for (var i = 0; i < root.Count; i++)
        {
            // The length test first: it rules out nearly every name without comparing it.
            var property = root[i];
            if (property.NameLength == path.Length && property.NameEquals(path))
            {
                property.Value = value;
                return;
            }
        }

        parent.Set(leaf, value);
    }

    private static void SetPath(LogRecord record, string path, LogNode? value)
    {
        if (value is not null)
        {
            record.Set(path, value);
        }
    }

    private static LogString? Text(string? value) => value is null ? null : new LogString(value);

    private static LogObject? Location(GeoLookupResult result)
    {
        if (result.Latitude is null || result.Longitude is null)
        {
            return null;
        }

        var location = new LogObject(2);
        location.Set("lat", result.Latitude);
        location.Set("lon", result.Longitude);
        return location;
    }
}
