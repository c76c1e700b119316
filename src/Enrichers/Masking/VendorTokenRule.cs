namespace Enrichers.Masking;

/// <summary>One credential format known by its prefix: <see cref="Head"/>, then <see cref="Separator"/> (the anchor
/// the scan stops at), then <see cref="Tail"/>, then a body of <see cref="Body"/> characters whose length is within
/// [<see cref="MinLength"/>, <see cref="MaxLength"/>]. The token starts at a word boundary, or anywhere when it
/// carries a CRC32 checksum that verifies (<see cref="Crc32"/>: GitHub and npm tokens).</summary>
/// <param name="Id">Names the format in tests and docs.</param>
/// <param name="KeepPrefix">Only the body is masked (a webhook URL keeps its host and path).</param>
internal sealed record VendorTokenRule(
    string Id,
    string Head,
    char Separator,
    string Tail,
    TokenBody Body,
    int MinLength,
    int MaxLength = int.MaxValue,
    bool KeepPrefix = false,
    bool TailIgnoresCase = false,
    bool Crc32 = false,
    MaskType Type = MaskType.ApiKey);
