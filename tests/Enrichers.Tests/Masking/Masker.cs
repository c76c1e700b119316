using System.Text;
using Enrichers.Json;
using Enrichers.Masking;

namespace Enrichers.Tests.Masking;

/// <summary>Runs the masking enricher over JSON text, for tests.</summary>
internal sealed class Masker
{
    public Masker(MaskingOptions? options = null)
    {
        Enricher = new PiiMaskingEnricher(options ?? new MaskingOptions(), Statistics);
    }

    public EnrichmentStatistics Statistics { get; } = new();

    public PiiMaskingEnricher Enricher { get; }

    public static string Json(string json, MaskingOptions? options = null) => new Masker(options).Mask(json);

    /// <summary>Masks a single string value and returns it decoded.</summary>
    public static string Text(string text, MaskingOptions? options = null) => new Masker(options).MaskValue(text);

    public string Mask(string json)
    {
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out var rejection)
            ?? throw new InvalidOperationException(rejection!.Reason);
        Enricher.Enrich(record);
        return record.ToString();
    }

    public string MaskValue(string text)
    {
        var json = "{\"message\":" + System.Text.Json.JsonSerializer.Serialize(text) + "}";
        var record = LogRecordParser.TryParse(Encoding.UTF8.GetBytes(json), out _)!;
        Enricher.Enrich(record);
        return record.Root.Get("message")!.AsString()!;
    }
}
