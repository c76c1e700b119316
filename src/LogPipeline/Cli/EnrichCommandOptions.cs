namespace LogPipeline.Cli;

/// <summary>Options of <c>enrich</c> as given on the command line.</summary>
/// <param name="GeoIpDatabase">MaxMind City database (overrides <c>Enrichment:GeoIp:CityDatabasePath</c>).</param>
/// <param name="AsnDatabase">MaxMind ASN database (overrides <c>Enrichment:GeoIp:AsnDatabasePath</c>).</param>
/// <param name="ConfigPath">The worker's JSON configuration; its <c>Enrichment</c> section is used.</param>
internal sealed record EnrichCommandOptions(string? GeoIpDatabase = null, string? AsnDatabase = null, string? ConfigPath = null);
