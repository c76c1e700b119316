namespace Enrichers;

/// <summary>Every field name the enrichers read or write, in one place. Names follow the SMM platform's
/// fields (snake_case) and ECS where Kibana expects it (<c>client.geo.*</c>, <c>client.as.*</c>).</summary>
public static class FieldNames
{
    public const string Timestamp = "@timestamp";
    public const string Message = "message";
    public const string Level = "level";
    public const string ServiceName = "service_name";

    // Trace linking
    public const string TraceId = "trace_id";
    public const string SpanId = "span_id";
    public const string TraceSeq = "trace_seq";
    public const string TraceElapsedMs = "trace_elapsed_ms";
    public const string TraceRootService = "trace_root_service";

    // GeoIP (ECS)
    public const string ClientIp = "client.ip";
    public const string ClientGeoCountryIsoCode = "client.geo.country_iso_code";
    public const string ClientGeoCountryName = "client.geo.country_name";
    public const string ClientGeoCityName = "client.geo.city_name";
    public const string ClientGeoRegionIsoCode = "client.geo.region_iso_code";
    public const string ClientGeoContinentCode = "client.geo.continent_code";
    public const string ClientGeoTimezone = "client.geo.timezone";
    public const string ClientGeoLocation = "client.geo.location";
    public const string ClientAsNumber = "client.as.number";
    public const string ClientAsOrganizationName = "client.as.organization.name";

    // Error categories
    public const string ErrorCategory = "error_category";
}
