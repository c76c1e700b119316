namespace Enrichers.Masking;

/// <summary>What a key name's rules say about its value.</summary>
[Flags]
internal enum KeyFlags : byte
{
    None = 0,

    /// <summary>The whole value is a secret or PII and is masked.</summary>
    Secret = 1,

    /// <summary>The value is a version string: no IPv4 matching in it.</summary>
    Version = 2,

    /// <summary>The value is an identifier (trace, span, request IDs): no number patterns in it, since a
    /// decimal-only span ID can pass Luhn.</summary>
    Identifier = 4,
}
