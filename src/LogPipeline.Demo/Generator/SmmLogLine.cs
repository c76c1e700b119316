namespace LogPipeline.Demo.Generator;

/// <summary>One generated NDJSON line (without its newline) and what the generator meant it to be, so a
/// demo or test can check the chain's counts against the input's.</summary>
/// <param name="Utf8">The line's bytes; invalid UTF-8 on purpose when <paramref name="PoisonKind"/> says so.</param>
/// <param name="Service">The service that "wrote" the line (empty for poison).</param>
/// <param name="PoisonKind">The parser rejection code the line must get
/// (<c>Enrichers.Json.RecordRejection</c> codes), or null for a valid record.</param>
/// <param name="ErrorCategory">The category the record must end up with, or null when it is not an error record.</param>
/// <param name="TraceId">The trace the record belongs to (lowercase hex), or null when it carries no trace ID.</param>
public readonly record struct SmmLogLine(byte[] Utf8, string Service, string? PoisonKind, string? ErrorCategory, string? TraceId)
{
    public bool IsPoison => PoisonKind is not null;
}
