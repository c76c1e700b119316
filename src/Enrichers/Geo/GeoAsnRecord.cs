using Enrichers.Json;
using MaxMind.Db;

namespace Enrichers.Geo;

/// <summary>What the enricher writes from one ASN database record (<c>Reader.Find&lt;GeoAsnRecord&gt;</c>),
/// kept per record by <see cref="GeoDatabase"/>; immutable. Also the deferred content of the <c>client.as</c> objects
/// written from it (<see cref="LogObject.Defer"/>).</summary>
internal sealed class GeoAsnRecord : GeoRecord, IDeferredMembers
{
    [Constructor]
    public GeoAsnRecord([MapKey("autonomous_system_number")] long? number,
        [MapKey("autonomous_system_organization")] string? organization)
        : this(number is { } n ? LogLiteral.Number(n) : null, GeoNames.Own(organization))
    {
    }

    /// <summary>As read by <see cref="MaxMindRecordReader"/>.</summary>
    public GeoAsnRecord(LogLiteral? number, GeoText? organizationName)
    {
        Number = number;
        OrganizationNameText = organizationName;
    }

    public LogLiteral? Number { get; }

    public string? OrganizationName => OrganizationNameText?.Value;

    /// <summary>The organisation as written into a record (see <see cref="GeoText"/>).</summary>
    public GeoText? OrganizationNameText { get; }

    public bool HasFields => Number is not null || OrganizationNameText is not null;

    void IDeferredMembers.WriteTo(ref JsonOutput output) => GeoFieldWriter.WriteAs(this, ref output);

    void IDeferredMembers.AppendTo(LogObject target) => GeoFieldWriter.AppendAs(this, target);
}
