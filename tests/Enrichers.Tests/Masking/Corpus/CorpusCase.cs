namespace Enrichers.Tests.Masking.Corpus;

/// <summary>One record of the masking corpus: a whole log record as JSON text, the values planted in it that must not
/// survive masking in any form, and the values that must survive unchanged.</summary>
/// <param name="Family">The family of <c>docs/masking.md</c> the case belongs to (e.g. <c>email</c>, <c>vendor-token</c>).</param>
/// <param name="Name">What the case shows, for failure messages.</param>
/// <param name="RecordJson">The record fed to the masking enricher.</param>
/// <param name="Planted">Secrets or personal data written into the record: none may appear in the output, raw or
/// JSON-decoded at any depth (inner JSON included). Keep them distinctive (a random part) so that a substring match
/// means a leak, not a coincidence.</param>
/// <param name="MustKeep">Harmless values that must still be in the output, byte for byte after JSON decoding
/// (versions, latencies, trace ids, stack frames…).</param>
internal sealed record CorpusCase(string Family, string Name, string RecordJson, IReadOnlyList<string> Planted, IReadOnlyList<string> MustKeep)
{
    public override string ToString() => $"{Family}/{Name}";
}
