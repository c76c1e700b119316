namespace Enrichers;

/// <summary>Every field name the enrichers read or write, in one place. Names follow the SMM platform's
/// fields (snake_case) and ECS where Kibana expects it (<c>client.geo.*</c>, <c>client.as.*</c>).</summary>
public static class FieldNames
{
    public const string Timestamp = "@timestamp";

    /// <summary>A producer's <c>@timestamp</c> that could not be read as a time, kept when it is replaced.</summary>
    public const string TimestampOriginal = "timestamp_original";
    public const string Message = "message";
    public const string Level = "level";
    public const string ServiceName = "service_name";

    // Keyword identifiers of the index template (index-templates/component/smm-logs-mappings.json); masking keeps
    // them (and the fields above it maps) when it fails on a record, see Masking/IndexFields.
    public const string WorkspaceId = "workspace_id";
    public const string TenantId = "tenant_id";
    public const string ModelId = "model_id";
    public const string AgentType = "agent_type";
    public const string DeploymentId = "deployment_id";
    public const string WorkflowId = "workflow_id";
    public const string McpProtocolVersion = "mcp_protocol_version";

    // Trace linking
    public const string TraceId = "trace_id";
    public const string SpanId = "span_id";
    public const string TraceSeq = "trace_seq";
    public const string TraceElapsedMs = "trace_elapsed_ms";
    public const string TraceRootService = "trace_root_service";

    // Trace linking: where trace IDs are read from (W3C/B3 header names are matched in any case)
    public const string TraceIdCamel = "traceId";
    public const string Trace = "trace";
    public const string TraceDotId = "trace.id";
    public const string NestedId = "id";
    public const string Traceparent = "traceparent";
    public const string B3TraceId = "x-b3-traceid";
    public const string B3SpanId = "x-b3-spanid";
    public const string B3Single = "b3";
    public const string Request = "request";
    public const string RequestHeaders = "request.headers";
    public const string Headers = "headers";

    // Where the worker read the record (Enrichment:KafkaFields)
    public const string Kafka = "kafka";
    public const string KafkaTopic = "topic";
    public const string KafkaPartition = "partition";
    public const string KafkaOffset = "offset";

    // GeoIP (ECS)
    public const string ClientIp = "client.ip";

    /// <summary>Keyed HMAC token of the client address under the <c>hmac</c> policy (<c>client.ip</c> keeps the
    /// truncated address, because Elasticsearch maps it as <c>ip</c>).</summary>
    public const string ClientIpHash = "client.ip_hash";
    public const string ClientGeoCountryIsoCode = "client.geo.country_iso_code";
    public const string ClientGeoCountryName = "client.geo.country_name";
    public const string ClientGeoCityName = "client.geo.city_name";
    public const string ClientGeoRegionIsoCode = "client.geo.region_iso_code";
    public const string ClientGeoContinentCode = "client.geo.continent_code";
    public const string ClientGeoTimezone = "client.geo.timezone";
    public const string ClientGeoLocation = "client.geo.location";

    /// <summary>The members of the <c>client.geo.location</c> object (ECS <c>geo_point</c> as an object).</summary>
    public const string ClientGeoLocationLat = "client.geo.location.lat";
    public const string ClientGeoLocationLon = "client.geo.location.lon";
    public const string ClientAsNumber = "client.as.number";
    public const string ClientAsOrganizationName = "client.as.organization.name";

    /// <summary>Every name GeoIP writes inside the objects it makes and marks as holding reference data only
    /// (<c>client.geo</c>, its <c>location</c>, <c>client.as</c>, its <c>organization</c>): masking judges these names
    /// once per configuration to know whether walking such an object can change anything (Masking/ReferenceObjects).
    /// A name GeoIP writes there must be listed here.</summary>
    internal static readonly string[] GeoObjectMemberNames =
    [
        "country_iso_code", "country_name", "city_name", "region_iso_code", "continent_code", "timezone", "location",
        "lat", "lon", "number", "organization", "name",
    ];

    // Error categories
    public const string ErrorCategory = "error_category";

    // Error categories: what makes an error record and where its text is read from
    public const string Error = "error";
    public const string ErrorMessage = "error_message";
    public const string ErrorDotMessage = "error.message";
    public const string ErrorDotType = "error.type";
    public const string ErrorType = "error_type";
    public const string Exception = "exception";
    public const string ExceptionDotMessage = "exception.message";
    public const string ExceptionDotType = "exception.type";
    public const string NestedMessage = "message";
    public const string NestedType = "type";
    public const string Status = "status";
    public const string StatusCode = "status_code";
    public const string Http = "http";
    public const string HttpStatusCode = "http.status_code";
    public const string HttpResponse = "http.response";
    public const string HttpResponseStatusCode = "http.response.status_code";
    public const string ResponseStatusCode = "response.status_code";
}
