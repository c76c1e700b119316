using System.Text.Json;

namespace Enrichers.Tests.Masking.Corpus;

/// <summary>Record shapes the secret families plant their values in: a log line in <c>message</c>, a JSON document
/// logged inside a string (once or twice encoded), a header map.</summary>
internal static class CorpusRecords
{
    /// <summary>A record whose <c>message</c> is <paramref name="text"/>, with a timestamp and a trace id around it.</summary>
    public static string Message(string text, string service = "gateway") =>
        $$"""{"@timestamp":"2026-12-07T04:12:33.120Z","service":"{{service}}","trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","message":{{CorpusValues.Quote(text)}}}""";

    /// <summary>A record with <paramref name="json"/> (a JSON document) as the text of its <c>body</c> field.</summary>
    public static string JsonInString(string json) =>
        $$"""{"@timestamp":"2026-12-07T04:12:33.120Z","event":"http.request","body":{{CorpusValues.Quote(json)}}}""";

    /// <summary>A record whose <c>body</c> holds a JSON document whose <c>payload</c> holds <paramref name="json"/> as text:
    /// secrets nested two levels in strings.</summary>
    public static string JsonTwiceInString(string json) =>
        JsonInString(JsonSerializer.Serialize(new { kind = "webhook", payload = json }));

    /// <summary>A record whose root holds <paramref name="fields"/> (JSON object members, without braces).</summary>
    public static string Fields(string fields) =>
        $$"""{"@timestamp":"2026-12-07T04:12:33.120Z",{{fields}}}""";
}
