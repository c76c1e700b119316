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

        // Nearly no record has dotted client.* keys; knowing that, each field is set without a scan of the root.
        var dotted = HasDottedClientKeys(root) ? root : null;
        var client = root.GetOrAddObject("client");
        if (client is null)
        {
            // "client" holds a producer value that is not an object: keep it, write dotted keys.
            WriteByPath(record, result);
            return;
        }

        SetLeaf(dotted, client, FieldNames.ClientIp, "ip", Text(record, result.ClientIp));
        SetLeaf(dotted, client, GeoIpEnricher.ClientIpHashField, "ip_hash", Text(record, result.ClientIpHash));
        if (result.HasGeo)
        {
            var geo = client.GetOrAddObject("geo", out var newGeo);
            if (geo is null)
            {
                WriteByPath(record, result);
                return;
            }

            // New nodes per record: cached results are shared, and later enrichers may change nodes in place.
            // A geo object made just now is empty: its fields are appended without a lookup each.
            SetLeaf(dotted, geo, FieldNames.ClientGeoCountryIsoCode, "country_iso_code", Reference(record, result.CountryIsoCode), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoCountryName, "country_name", Reference(record, result.CountryName), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoCityName, "city_name", Reference(record, result.CityName), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoRegionIsoCode, "region_iso_code", Reference(record, result.RegionIsoCode), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoContinentCode, "continent_code", Reference(record, result.ContinentCode), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoTimezone, "timezone", Reference(record, result.TimeZone), newGeo);
            SetLeaf(dotted, geo, FieldNames.ClientGeoLocation, "location", Location(record, result), newGeo);
        }

        if (result.AsNumber is not null || result.AsOrganizationName is not null)
        {
            var asObject = client.GetOrAddObject("as");
            if (asObject is null)
            {
                WriteByPath(record, result);
                return;
            }

            SetLeaf(dotted, asObject, FieldNames.ClientAsNumber, "number", result.AsNumber);
            if (result.AsOrganizationName is not null)
            {
                var organization = asObject.GetOrAddObject("organization");
                if (organization is null)
                {
                    SetPath(record, FieldNames.ClientAsOrganizationName, Reference(record, result.AsOrganizationName));
                }
                else
                {
                    SetLeaf(dotted, organization, FieldNames.ClientAsOrganizationName, "name", Reference(record, result.AsOrganizationName));
                }
            }
        }
    }

    private static void WriteByPath(LogRecord record, GeoLookupResult result)
    {
        SetPath(record, FieldNames.ClientIp, Text(record, result.ClientIp));
        SetPath(record, GeoIpEnricher.ClientIpHashField, Text(record, result.ClientIpHash));
        SetPath(record, FieldNames.ClientGeoCountryIsoCode, Reference(record, result.CountryIsoCode));
        SetPath(record, FieldNames.ClientGeoCountryName, Reference(record, result.CountryName));
        SetPath(record, FieldNames.ClientGeoCityName, Reference(record, result.CityName));
        SetPath(record, FieldNames.ClientGeoRegionIsoCode, Reference(record, result.RegionIsoCode));
        SetPath(record, FieldNames.ClientGeoContinentCode, Reference(record, result.ContinentCode));
        SetPath(record, FieldNames.ClientGeoTimezone, Reference(record, result.TimeZone));
        SetPath(record, FieldNames.ClientGeoLocation, Location(record, result));
        SetPath(record, FieldNames.ClientAsNumber, result.AsNumber);
        SetPath(record, FieldNames.ClientAsOrganizationName, Reference(record, result.AsOrganizationName));
    }

    private static bool HasDottedClientKeys(LogObject root)
    {
        var properties = root.PropertySpan;
        for (var i = 0; i < properties.Length; i++)
        {
            var property = properties[i];
            if (property.NameLength > 7 && (property.TryGetRawName(out var raw)
                    ? raw.StartsWith("client."u8)
                    : property.Name.StartsWith("client.", StringComparison.Ordinal)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Sets <paramref name="leaf"/> in <paramref name="parent"/>, or the root-level dotted key of the
    /// same field when <paramref name="root"/> (given only when it has dotted client keys) holds one.</summary>
    private static void SetLeaf(LogObject? root, LogObject parent, string path, string leaf, LogNode? value, bool appendOnly = false)
    {
        if (value is null)
        {
            return;
        }

        if (appendOnly && root is null)
        {
            parent.Append(leaf, value);
            return;
        }

        for (var i = 0; root is not null && i < root.Count; i++)
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

    private static LogString? Text(LogRecord record, string? value) => value is null ? null : record.NewString(value);

    /// <summary>A name from the database: reference data, which masking's built-in patterns skip.</summary>
    private static LogString? Reference(LogRecord record, string? value) => value is null ? null : record.NewReferenceString(value);

    private static LogObject? Location(LogRecord record, GeoLookupResult result)
    {
        if (result.Latitude is null || result.Longitude is null)
        {
            return null;
        }

        var location = record.NewObject();
        location.Append("lat", result.Latitude);
        location.Append("lon", result.Longitude);
        return location;
    }
}
