using System.Security.Cryptography;

namespace Enrichers.Masking;

/// <summary>One thread's keyed HMAC and its cache of recent tokens (see <see cref="HmacTokenizer"/>).</summary>
internal sealed class HmacThreadState(IncrementalHash hmac)
{
    public IncrementalHash Hmac { get; } = hmac;

    /// <summary>"type:value" to token.</summary>
    public Dictionary<string, string> Cache { get; } = new(StringComparer.Ordinal);
}
