using System.Text.Json;

namespace LogPipeline.Elasticsearch;

/// <summary>What a cluster says about itself in <c>GET /</c>: <c>version.number</c>, <c>version.build_flavor</c>
/// (<c>default</c>, or <c>serverless</c> on Elastic Cloud Serverless), the tagline, and whether the answer carried
/// <c>X-Elastic-Product: Elasticsearch</c> (Elasticsearch 7.14 and later send it; OpenSearch and proxies do not).</summary>
internal sealed record ElasticsearchServerInfo(Version Version, string BuildFlavor, string? Tagline, bool ProductHeader)
{
    /// <summary>Elastic Cloud Serverless: no ILM, only the data stream lifecycle; its <c>version.number</c> is a
    /// fixed API level (8.11.0), not a release.</summary>
    public bool IsServerless => string.Equals(BuildFlavor, "serverless", StringComparison.OrdinalIgnoreCase);

    public override string ToString() =>
        $"Elasticsearch {Version.ToString(3)}" + (IsServerless ? " (serverless)" : "");

    /// <summary>Reads the body of <c>GET /</c>; null when it is not the JSON Elasticsearch answers (no
    /// <c>version.number</c> of the form <c>8.15.3</c> or <c>9.1.0-SNAPSHOT</c>).</summary>
    public static ElasticsearchServerInfo? Parse(string body, bool productHeader)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Object
                || !version.TryGetProperty("number", out var number) || number.ValueKind != JsonValueKind.String)
            {
                return null;
            }

            var text = number.GetString()!;
            var release = text.Split('-', 2)[0];
            if (!Version.TryParse(release, out var parsed) || parsed.Build < 0)
            {
                return null;
            }

            var flavor = version.TryGetProperty("build_flavor", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString()! : "default";
            var tagline = root.TryGetProperty("tagline", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            return new ElasticsearchServerInfo(new Version(parsed.Major, parsed.Minor, parsed.Build), flavor, tagline, productHeader);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>A version as configuration and messages write it, e.g. <c>8.13</c>.</summary>
    internal static string Short(Version version) => version.ToString(2);
}
